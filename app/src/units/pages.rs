//! Org-tree browser and unit pages (with the administrator's forms for a unit).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    CellOption, CloseUnit, CreateUnit, find_cells, UnitDetail, UnitKind, UnitSummary, UpdateUnit, get_unit_detail, unit_children, unit_roots,
};
use crate::auth::SessionUser;
use crate::ui::{Field, FieldMessage, FormMessage, Loaded, WithUser, action_error, date_text};

#[component]
pub fn UnitTreePage() -> impl IntoView {
    view! {
        <Title text="Tổ chức đảng" />
        <WithUser children=|_user: SessionUser| {
            let roots = Resource::new(|| (), |_| unit_roots());
            view! {
                <section class="card">
                    <h1>"Tổ chức đảng"</h1>
                    <p class="lead">"Bấm ▸ để mở các đơn vị trực thuộc; bấm tên để xem chi tiết."</p>
                    <Loaded resource=roots children=|units| view! {
                        <ul class="tree" data-testid="tree">
                            {units.into_iter().map(|u| view! { <TreeNode unit=u /> }).collect_view()}
                        </ul>
                    } />
                </section>
            }
        } />
    }
}

/// One unit in the tree; its children load in the browser when opened (no page reload).
#[crate::ui::interactive]
pub fn TreeNode(unit: UnitSummary) -> impl IntoView {
    let (open, set_open) = signal(false);
    let id = unit.id;
    let has_children = unit.child_count > 0;
    let children = Resource::new(move || open.get(), move |open| async move {
        if open { unit_children(id).await.map(Some) } else { Ok(None) }
    });
    view! {
        <li class="tree-node" data-unit-id=id>
            <div class="tree-row">
                {has_children.then(|| view! {
                    <button
                        class="tree-toggle"
                        aria-expanded=move || open.get().to_string()
                        aria-label=move || if open.get() { "Thu gọn" } else { "Mở rộng" }
                        on:click=move |_| set_open.update(|o| *o = !*o)
                    >
                        {move || if open.get() { "▾" } else { "▸" }}
                    </button>
                })}
                <span class="tree-label">
                    <a href=format!("/to-chuc/{id}")>{unit.name.clone()}</a>
                    <span class="muted">" · " {unit.member_count} " đảng viên"</span>
                </span>
            </div>
            <Show when=move || open.get()>
                <Loaded resource=children transition=true children={move |units: Option<Vec<UnitSummary>>| {
                    match units {
                        Some(units) => view! {
                            <ul class="tree">
                                {units.into_iter().map(|u| view! { <TreeNode unit=u /> }.into_any()).collect_view()}
                            </ul>
                        }.into_any(),
                        None => ().into_any(),
                    }
                }} />
            </Show>
        </li>
    }
}

#[component]
pub fn UnitPage() -> impl IntoView {
    let params = use_params_map();
    let unit_id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(unit_id, |id| get_unit_detail(id, false));
    view! {
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=detail error_title="Đơn vị" children=move |d: UnitDetail| view! {
                <Title text=d.unit.name.clone() />
                <Unit detail=d />
            } />
        } />
    }
}

/// The unit with its subunits and the administrator's forms; loaded again and redrawn after a
/// change or when closed subunits are shown.
#[crate::ui::interactive]
fn Unit(detail: UnitDetail) -> impl IntoView {
    let id = detail.unit.id;
    let create = ServerAction::<CreateUnit>::new();
    let update = ServerAction::<UpdateUnit>::new();
    let close = ServerAction::<CloseUnit>::new();
    let (show_closed, set_show_closed) = signal(false);
    let (current, version) = crate::ui::reloaded(detail, move || get_unit_detail(id, show_closed.get_untracked()));
    Effect::watch(
        move || (show_closed.get(), create.version().get(), update.version().get(), close.version().get()),
        move |_, _, _| version.update(|v| *v += 1),
        false,
    );
    move || view! { <UnitView detail=current.get() create update close show_closed set_show_closed /> }
}

#[component]
fn UnitView(
    detail: UnitDetail,
    create: ServerAction<CreateUnit>,
    update: ServerAction<UpdateUnit>,
    close: ServerAction<CloseUnit>,
    show_closed: ReadSignal<bool>,
    set_show_closed: WriteSignal<bool>,
) -> impl IntoView {
    let unit = detail.unit.clone();
    let status = match unit.valid_to {
        Some(to) => format!("Đã đóng từ {}", date_text(to)),
        None => format!("Hoạt động từ {}", date_text(unit.valid_from)),
    };
    view! {
        <nav class="breadcrumb" aria-label="Đơn vị cấp trên">
            {detail.path.clone().into_iter().map(|p| view! { <a href=format!("/to-chuc/{}", p.id)>{p.name}</a> " › " }).collect_view()}
        </nav>
        <section class="card">
            <h1>{unit.name.clone()}</h1>
            <dl class="facts">
                <dt>"Loại"</dt><dd>{unit.kind.label()}</dd>
                <dt>"Mã"</dt><dd>{unit.code.clone()}</dd>
                <dt>"Tình trạng"</dt><dd>{status}</dd>
                <dt>"Số đảng viên"</dt><dd data-testid="member-count">{unit.member_count}</dd>
            </dl>
            {detail.can_list_members.then(|| view! {
                <p><a href=format!("/dang-vien?don-vi={}", unit.id) class="button">"Danh sách đảng viên"</a></p>
            })}
        </section>
        {(!detail.children.is_empty() || show_closed.get_untracked()).then(|| view! {
            <section class="card">
                <h2>"Đơn vị trực thuộc"</h2>
                <label class="inline">
                    <input type="checkbox" prop:checked=move || show_closed.get()
                        on:change=move |ev| set_show_closed.set(event_target_checked(&ev)) />
                    " Hiện cả đơn vị đã đóng"
                </label>
                <ul class="tree">
                    {detail.children.iter().cloned().map(|u| {
                        let closed = u.valid_to.map(|d| format!(" (đã đóng {})", date_text(d)));
                        view! {
                            <li class="tree-row">
                                <a href=format!("/to-chuc/{}", u.id)>{u.name}</a>
                                <span class="muted">" · " {u.member_count} " đảng viên" {closed}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(detail.can_manage && unit.is_open()).then(|| view! { <UnitAdmin unit=unit.clone() create update close /> })}
    }
}

/// Administrator's forms: add a child unit, rename, close (merge/dissolve).
#[component]
fn UnitAdmin(
    unit: UnitSummary,
    create: ServerAction<CreateUnit>,
    update: ServerAction<UpdateUnit>,
    close: ServerAction<CloseUnit>,
) -> impl IntoView {
    let create_error = action_error(create);
    let update_error = action_error(update);
    let close_error = action_error(close);
    let kinds = unit.kind.allowed_children();
    let is_root = unit.parent_id.is_none();
    let id = unit.id;
    let code_hint = format!("{}.10", unit.code);
    view! {
        <section class="card admin">
            <h2>"Quản trị đơn vị"</h2>
            {(!kinds.is_empty()).then(|| view! {
                <details>
                    <summary>"Thêm đơn vị trực thuộc"</summary>
                    <ActionForm action=create attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="parent_id" value=id />
                        <FormMessage error=create_error />
                        <label for="new-kind">"Loại đơn vị"</label>
                        <select id="new-kind" name="form[kind]">
                            {kinds.iter().map(|k: &UnitKind| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                        </select>
                        <FieldMessage error=create_error field="kind" />
                        <Field id="new-name" name="form[name]" field="name" label="Tên đơn vị" error=create_error placeholder="Ví dụ: Chi bộ ấp 10" />
                        <Field id="new-code" name="form[code]" field="code" label="Mã đơn vị" error=create_error placeholder=code_hint.clone() />
                        <Field id="new-from" name="form[valid_from]" field="valid_from" label="Ngày thành lập" error=create_error input_type="date" />
                        <button type="submit" class="primary">"Thêm đơn vị"</button>
                        {move || matches!(create.value().get(), Some(Ok(_))).then(|| view! {
                            <p class="alert alert-success" role="status">"Đã thêm đơn vị."</p>
                        })}
                    </ActionForm>
                </details>
            })}
            <details>
                <summary>"Sửa tên, mã"</summary>
                <ActionForm action=update attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="form[kind]" value=unit.kind.as_str() />
                    <input type="hidden" name="form[valid_from]" value=unit.valid_from.to_string() />
                    <FormMessage error=update_error />
                    <Field id="edit-name" name="form[name]" field="name" label="Tên đơn vị" error=update_error value=unit.name.clone() />
                    <Field id="edit-code" name="form[code]" field="code" label="Mã đơn vị" error=update_error value=unit.code.clone() />
                    <button type="submit" class="primary">"Lưu"</button>
                </ActionForm>
            </details>
            {(!is_root).then(|| view! {
                <details>
                    <summary>"Đóng đơn vị (sáp nhập, giải thể)"</summary>
                    <ActionForm action=close attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="id" value=id />
                        <p class="hint">"Đơn vị đóng vẫn được giữ lại trong lịch sử. Đảng viên của chi bộ được chuyển sang chi bộ tiếp nhận từ ngày đóng."</p>
                        <FormMessage error=close_error />
                        <Field id="close-date" name="closed_on" field="closed_on" label="Ngày đóng" error=close_error input_type="date" />
                        <label for="close-successor">"Mã chi bộ tiếp nhận đảng viên (nếu còn đảng viên)"</label>
                        <CellCodeInput id="close-successor" name="successor_code" placeholder="Gõ tên chi bộ hoặc mã" />
                        <FieldMessage error=close_error field="successor_code" />
                        <button type="submit" class="danger">"Đóng đơn vị"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

/// A text input for a cell code that suggests open cells by name as the administrator types
/// ("hoa an ap 3" → PH.05.03). Plain input without JavaScript.
#[component]
pub fn CellCodeInput(id: &'static str, name: &'static str, #[prop(optional)] placeholder: &'static str) -> impl IntoView {
    let (typed, set_typed) = signal(String::new());
    let options = Resource::new(move || typed.get(), |q| async move {
        if q.trim().chars().count() < 2 { Ok(Vec::new()) } else { find_cells(q).await }
    });
    let list_id = format!("{id}-options");
    view! {
        <input id=id name=name list=list_id.clone() placeholder=placeholder autocomplete="off"
            on:input=move |ev| set_typed.set(event_target_value(&ev)) />
        <datalist id=list_id>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    options.await.unwrap_or_default().into_iter().map(|c: CellOption| view! {
                        <option value=c.code.clone()>{format!("{} — {}", c.name, c.parent_name)}</option>
                    }).collect_view()
                })}
            </Transition>
        </datalist>
    }
}
