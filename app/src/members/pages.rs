//! Member list with search, member profile, and the administrator's member forms.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    AssignPosition, CreateMember, EndPosition, MemberPage, MemberProfile, MemberSort, MemberStatus, MoveMember,
    IssueActivationCode, SetMemberStatus, UpdateContact, UpdateMember, list_members, get_member_profile,
};
use crate::auth::{Role, SessionUser};
use crate::error::AppError;
use crate::units::CellCodeInput;
use crate::ui::{Field, ErrorBox, FieldMessage, FormMessage, Loaded, Loading, WithUser, action_error, date_text, optional_date_text};

fn gender_label(gender: &str) -> &'static str {
    if gender == "nu" { "Nữ" } else { "Nam" }
}

/// The unit to list when the URL names none: the user's widest scope.
fn default_unit(user: &SessionUser) -> i64 {
    user.positions
        .iter()
        .find(|p| p.role == Role::Admin)
        .or_else(|| user.positions.iter().find(|p| p.role == Role::CommitteeMember))
        .or_else(|| user.positions.iter().find(|p| p.role.is_cell_role()))
        .map(|p| p.unit_id)
        .unwrap_or(user.cell_id)
}

#[component]
pub fn MemberListPage() -> impl IntoView {
    view! {
        <Title text="Danh sách đảng viên" />
        <WithUser children=|user: SessionUser| view! { <MemberList user /> } />
    }
}

#[component]
fn MemberList(user: SessionUser) -> impl IntoView {
    let query = use_query_map();
    let fallback_unit = default_unit(&user);
    // Drawn again when the address changes under a router (a menu link to another unit).
    move || {
        let q = query.read();
        let param = |key: &str| q.get(key).unwrap_or_default();
        let raw_status = param("trang-thai");
        let filter = MemberFilter {
            unit: param("don-vi").parse::<i64>().unwrap_or(fallback_unit),
            q: param("q"),
            sort: MemberSort::parse(&param("sap-xep")),
            status: if MemberStatus::parse(&raw_status).is_some() { raw_status } else { MemberStatus::Active.as_str().to_string() },
            page: param("trang").parse::<u64>().unwrap_or(1).max(1),
        };
        view! { <MemberSearch filter /> }
    }
}

/// What the member list shows: the address's query, as the search box and filters change it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct MemberFilter {
    unit: i64,
    q: String,
    sort: MemberSort,
    status: String,
    page: u64,
}

impl MemberFilter {
    fn url(&self) -> String {
        let mut url =
            format!("/dang-vien?don-vi={}&q={}&sap-xep={}&trang-thai={}", self.unit, encode(&self.q), self.sort.as_str(), self.status);
        if self.page > 1 {
            url.push_str(&format!("&trang={}", self.page));
        }
        url
    }
}

/// The search box, filters and list: the list follows the box as the member types (after a
/// short pause) without loading the page again; the address follows too, so reloading or
/// sharing it shows the same list. Without its script the form is a plain GET form.
#[crate::ui::interactive]
fn MemberSearch(filter: MemberFilter) -> impl IntoView {
    let unit = filter.unit;
    let current = RwSignal::new(filter.clone());
    let members = Resource::new(
        move || current.get(),
        |f| list_members(f.unit, f.q, f.status, f.sort.as_str().to_string(), f.page),
    );
    let (typed, set_typed) = signal(None::<String>);
    let apply = move |change: &dyn Fn(&mut MemberFilter)| {
        current.update(|f| {
            change(f);
            f.page = 1;
        });
        #[cfg(not(feature = "ssr"))]
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&current.get_untracked().url()));
        }
    };
    Effect::new(move |_| {
        if let Some(text) = typed.get() {
            set_timeout(
                move || {
                    if typed.get_untracked().as_deref() == Some(text.as_str()) {
                        apply(&|f| f.q = text.clone());
                    }
                },
                std::time::Duration::from_millis(350),
            );
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(text) = typed.get_untracked() {
            apply(&|f| f.q = text.clone());
        }
    };
    view! {
        <section class="card">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(page) => view! { <h1>"Đảng viên · " {page.unit.name.clone()}</h1> }.into_any(),
                        Err(_) => view! { <h1>"Danh sách đảng viên"</h1> }.into_any(),
                    }
                })}
            </Suspense>
            <form method="get" action="/dang-vien" class="search-form" role="search" on:submit=submit>
                <input type="hidden" name="don-vi" value=unit />
                <label for="q">"Tìm theo họ tên (có dấu hoặc không dấu), số thẻ hoặc số điện thoại"</label>
                <div class="search-row">
                    <input id="q" name="q" type="search" placeholder="Ví dụ: nguyen thi hoa"
                        value=filter.q.clone()
                        on:input=move |ev| set_typed.set(Some(event_target_value(&ev))) />
                    <button type="submit" class="primary">"Tìm"</button>
                </div>
                <div class="filters">
                    <label for="sort">"Sắp xếp"</label>
                    <select id="sort" name="sap-xep" on:change=move |ev| {
                        let sort = MemberSort::parse(&event_target_value(&ev));
                        apply(&|f| f.sort = sort);
                    }>
                        {MemberSort::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=filter.sort == s>{s.label()}</option>
                        }).collect_view()}
                    </select>
                    <label for="status">"Tình trạng"</label>
                    <select id="status" name="trang-thai" on:change=move |ev| {
                        let status = event_target_value(&ev);
                        apply(&|f| f.status = status.clone());
                    }>
                        {MemberStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=filter.status == s.as_str()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </form>
            <Loaded resource=members transition=true children=move |page| view! { <MemberTable page filter=current.get_untracked() /> } />
        </section>
    }
}

/// A query value as a form sends it (UTF-8, percent-encoded, spaces as `+`).
fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[component]
fn MemberTable(page: MemberPage, filter: MemberFilter) -> impl IntoView {
    let link = move |p: u64| MemberFilter { unit: page.unit.id, page: p, ..filter.clone() }.url();
    let prev = (page.page > 1).then(|| link(page.page - 1));
    let next = (page.page < page.page_count).then(|| link(page.page + 1));
    view! {
        <p class="muted" data-testid="result-count">"Tìm thấy " {page.total} " đảng viên"</p>
        <p class="actions">
            <a href=format!("/api/v1/members/export.xlsx?unit={}", page.unit.id) download data-testid="export-link">
                "Tải danh sách đảng viên đang sinh hoạt (Excel)"
            </a>
        </p>
        {page.can_issue_codes.then(|| view! {
            <p class="actions">
                <a href=format!("/dang-vien/kich-hoat?don-vi={}", page.unit.id) class="button" data-testid="activation-link">"Mã kích hoạt tài khoản"</a>
            </p>
        })}
        {page.can_manage.then(|| view! {
            <p class="actions">
                <a href=format!("/dang-vien/moi?don-vi={}", page.unit.id) class="button">"＋ Thêm đảng viên vào chi bộ"</a>
                " "
                <a href=format!("/dang-vien/nhap?don-vi={}", page.unit.id) class="button" data-testid="import-link">"Nhập danh sách từ tệp Excel"</a>
            </p>
        })}
        <ul class="member-list" data-testid="member-list">
            {page.items.into_iter().map(|m| view! {
                <li class="member-row">
                    <a href=format!("/dang-vien/{}", m.id) class="member-name">{m.full_name}</a>
                    <span class="muted">
                        {gender_label(&m.gender)} " · sinh " {date_text(m.birth_date)} " · vào Đảng " {date_text(m.admitted_on)}
                    </span>
                    <span class="muted">{m.cell_name} " · thẻ " {m.card_no}</span>
                </li>
            }).collect_view()}
        </ul>
        <nav class="pager" aria-label="Phân trang">
            {prev.map(|href| view! { <a href=href rel="prev">"‹ Trang trước"</a> })}
            <span>"Trang " {page.page} " / " {page.page_count}</span>
            {next.map(|href| view! { <a href=href rel="next">"Trang sau ›"</a> })}
        </nav>
    }
}

#[component]
pub fn MemberProfilePage() -> impl IntoView {
    let params = use_params_map();
    let member_id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let profile = Resource::new(member_id, get_member_profile);
    view! {
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=profile error_title="Hồ sơ đảng viên" children=move |p: MemberProfile| view! {
                <Title text=p.full_name.clone() />
                <Profile profile=p />
            } />
        } />
    }
}

/// The profile with its forms; it is loaded again and redrawn after any of them succeeds.
#[crate::ui::interactive]
fn Profile(profile: MemberProfile) -> impl IntoView {
    let id = profile.id;
    let (current, version) = crate::ui::reloaded(profile, move || get_member_profile(id));
    let actions = ProfileActions::new();
    Effect::watch(move || actions.version(), move |_, _, _| version.update(|v| *v += 1), false);
    move || view! { <ProfileView profile=current.get() actions /> }
}

/// Every form on the profile page; the profile reloads after any of them succeeds.
#[derive(Clone, Copy)]
struct ProfileActions {
    contact: ServerAction<UpdateContact>,
    update: ServerAction<UpdateMember>,
    moving: ServerAction<MoveMember>,
    status: ServerAction<SetMemberStatus>,
    reset: ServerAction<IssueActivationCode>,
    assign: ServerAction<AssignPosition>,
    end: ServerAction<EndPosition>,
}

impl ProfileActions {
    fn new() -> Self {
        Self {
            contact: ServerAction::new(),
            update: ServerAction::new(),
            moving: ServerAction::new(),
            status: ServerAction::new(),
            reset: ServerAction::new(),
            assign: ServerAction::new(),
            end: ServerAction::new(),
        }
    }

    fn version(&self) -> usize {
        self.contact.version().get()
            + self.update.version().get()
            + self.moving.version().get()
            + self.status.version().get()
            + self.assign.version().get()
            + self.end.version().get()
    }
}

#[component]
fn ProfileView(profile: MemberProfile, actions: ProfileActions) -> impl IntoView {
    let p = profile.clone();
    view! {
        <section class="card">
            <h1 data-testid="profile-name">{p.full_name.clone()}</h1>
            <p class="lead">{p.status.label()} " · " <a href=format!("/to-chuc/{}", p.cell.id)>{p.cell.name.clone()}</a></p>
            <dl class="facts">
                <dt>"Ngày sinh"</dt><dd>{date_text(p.birth_date)}</dd>
                <dt>"Giới tính"</dt><dd>{gender_label(&p.gender)}</dd>
                <dt>"Số thẻ đảng viên"</dt><dd>{p.card_no.clone()}</dd>
                <dt>"Ngày vào Đảng"</dt><dd>{date_text(p.admitted_on)}</dd>
                <dt>"Ngày chính thức"</dt><dd>{optional_date_text(p.official_on)}</dd>
                <dt>"Điện thoại"</dt><dd>{p.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Thư điện tử"</dt><dd>{p.email.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>"Quá trình sinh hoạt"</h2>
            <ul class="history">
                {p.memberships.clone().into_iter().map(|m| view! {
                    <li>
                        <a href=format!("/to-chuc/{}", m.unit.id)>{m.unit.name}</a>
                        " · từ " {date_text(m.from_date)}
                        {m.to_date.map(|d| format!(" đến {}", date_text(d)))}
                        <span class="muted">" · " {m.reason}</span>
                    </li>
                }).collect_view()}
            </ul>
            <h2>"Chức vụ"</h2>
            {if p.positions.is_empty() {
                view! { <p class="muted">"Không giữ chức vụ."</p> }.into_any()
            } else {
                view! {
                    <ul class="history">
                        {p.positions.clone().into_iter().map(|pos| view! {
                            <li>
                                {pos.role.label()} " · " {pos.unit.name} " · từ " {date_text(pos.from_date)}
                                {pos.to_date.map(|d| format!(" đến {}", date_text(d)))}
                                {(p.can_manage && pos.to_date.is_none()).then(|| view! { <EndPositionForm id=pos.id action=actions.end /> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {p.can_edit_contact.then(|| view! { <ContactForm profile=profile.clone() action=actions.contact /> })}
        {p.can_manage.then(|| view! { <ManageMember profile=profile.clone() actions /> })}
    }
}

#[component]
fn ContactForm(profile: MemberProfile, action: ServerAction<UpdateContact>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card">
            <details>
                <summary>"Sửa thông tin liên lạc"</summary>
                <ActionForm action attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=profile.id />
                    <FormMessage error />
                    <Field id="contact-phone" name="phone" field="phone" label="Số điện thoại di động" error value=profile.phone.clone().unwrap_or_default() inputmode="tel" />
                    <Field id="contact-email" name="email" field="email" label="Thư điện tử (không bắt buộc)" error input_type="email" value=profile.email.clone().unwrap_or_default() />
                    <button type="submit" class="primary">"Lưu"</button>
                    {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! {
                        <p class="alert alert-success" role="status">"Đã lưu."</p>
                    })}
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
fn EndPositionForm(id: i64, action: ServerAction<EndPosition>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="position_id" value=id />
            <label>"Kết thúc ngày " <input name="to_date" type="date" /></label>
            <button type="submit">"Kết thúc chức vụ"</button>
            <FieldMessage error field="to_date" />
        </ActionForm>
    }
}

/// The member form's fields, shared by "add" and "edit".
#[component]
fn MemberFields(error: Signal<Option<AppError>>, #[prop(optional)] profile: Option<MemberProfile>) -> impl IntoView {
    let value = |f: fn(&MemberProfile) -> String| profile.as_ref().map(f).unwrap_or_default();
    let female = profile.as_ref().is_some_and(|p| p.gender == "nu");
    view! {
        <Field id="m-name" name="form[full_name]" field="full_name" label="Họ và tên" error value=value(|p| p.full_name.clone()) />
        <Field id="m-birth" name="form[birth_date]" field="birth_date" label="Ngày sinh" error input_type="date" value=value(|p| p.birth_date.to_string()) />
        <label for="m-gender">"Giới tính"</label>
        <select id="m-gender" name="form[gender]">
            <option value="">"— Chọn —"</option>
            <option value="nam" selected=profile.is_some() && !female>"Nam"</option>
            <option value="nu" selected=female>"Nữ"</option>
        </select>
        <FieldMessage error field="gender" />
        <Field id="m-card" name="form[card_no]" field="card_no" label="Số thẻ đảng viên" error value=value(|p| p.card_no.clone()) inputmode="numeric" />
        <Field id="m-phone" name="form[phone]" field="phone" label="Số điện thoại di động" error value=value(|p| p.phone.clone().unwrap_or_default()) inputmode="tel" />
        <Field id="m-email" name="form[email]" field="email" label="Thư điện tử (không bắt buộc)" error input_type="email" value=value(|p| p.email.clone().unwrap_or_default()) />
        <Field id="m-admitted" name="form[admitted_on]" field="admitted_on" label="Ngày vào Đảng" error input_type="date" value=value(|p| p.admitted_on.to_string()) />
        <Field id="m-official" name="form[official_on]" field="official_on" label="Ngày chính thức (để trống nếu còn dự bị)" error input_type="date" value=value(|p| p.official_on.map(|d| d.to_string()).unwrap_or_default()) />
    }
}

#[component]
fn ManageMember(profile: MemberProfile, actions: ProfileActions) -> impl IntoView {
    let update_error = action_error(actions.update);
    let move_error = action_error(actions.moving);
    let status_error = action_error(actions.status);
    let assign_error = action_error(actions.assign);
    let reset = actions.reset;
    let active = profile.status == MemberStatus::Active;
    let id = profile.id;
    view! {
        <section class="card admin">
            <h2>"Quản trị hồ sơ"</h2>
            <details>
                <summary>"Sửa hồ sơ"</summary>
                <ActionForm action=actions.update attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=id />
                    <FormMessage error=update_error />
                    <MemberFields error=update_error profile=profile.clone() />
                    <button type="submit" class="primary">"Lưu hồ sơ"</button>
                    {move || matches!(actions.update.value().get(), Some(Ok(()))).then(|| view! {
                        <p class="alert alert-success" role="status">"Đã lưu hồ sơ."</p>
                    })}
                </ActionForm>
            </details>
            {active.then(|| view! {
                <details>
                    <summary>"Chuyển sinh hoạt sang chi bộ khác"</summary>
                    <ActionForm action=actions.moving attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="id" value=id />
                        <FormMessage error=move_error />
                        <label for="move-to">"Mã chi bộ chuyển đến"</label>
                        <CellCodeInput id="move-to" name="to_code" placeholder="Gõ tên chi bộ hoặc mã, ví dụ: PH.05.03" />
                        <FieldMessage error=move_error field="to_code" />
                        <Field id="move-date" name="on_date" field="on_date" label="Ngày chuyển" error=move_error input_type="date" />
                        <Field id="move-reason" name="reason" field="reason" label="Lý do" error=move_error placeholder="Chuyển sinh hoạt đảng" />
                        <button type="submit" class="primary">"Chuyển sinh hoạt"</button>
                    </ActionForm>
                </details>
                <details>
                    <summary>"Ghi nhận chuyển đi ngoài tỉnh, từ trần, khai trừ"</summary>
                    <ActionForm action=actions.status attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="id" value=id />
                        <FormMessage error=status_error />
                        <label for="status-new">"Tình trạng mới"</label>
                        <select id="status-new" name="status">
                            <option value="">"— Chọn —"</option>
                            {[MemberStatus::Transferred, MemberStatus::Deceased, MemberStatus::Expelled].into_iter().map(|s| view! {
                                <option value=s.as_str()>{s.label()}</option>
                            }).collect_view()}
                        </select>
                        <FieldMessage error=status_error field="status" />
                        <Field id="status-date" name="on_date" field="on_date" label="Ngày hiệu lực" error=status_error input_type="date" />
                        <button type="submit" class="danger">"Ghi nhận"</button>
                    </ActionForm>
                </details>
                <details>
                    <summary>"Phân công chức vụ"</summary>
                    <ActionForm action=actions.assign attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="member_id" value=id />
                        <FormMessage error=assign_error />
                        <label for="pos-role">"Chức vụ"</label>
                        <select id="pos-role" name="role">
                            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                        </select>
                        <FieldMessage error=assign_error field="role" />
                        <Field id="pos-unit" name="unit_code" field="unit_code" label="Mã đơn vị" error=assign_error placeholder="Ví dụ: PH hoặc PH.05.03" />
                        <Field id="pos-from" name="from_date" field="from_date" label="Từ ngày" error=assign_error input_type="date" />
                        <button type="submit" class="primary">"Phân công"</button>
                    </ActionForm>
                </details>
            })}
            <details>
                <summary>"Cấp mã kích hoạt mới"</summary>
                <ActionForm action=reset attr:class="form">
                    <input type="hidden" name="id" value=id />
                    <p class="hint">
                        "Khi đảng viên quên mật khẩu hoặc mất điện thoại: mã mới chỉ hiện một lần; mật khẩu cũ, mã cũ và "
                        "mọi phiên đăng nhập của đảng viên hết hiệu lực ngay. Đảng viên dùng mã để tự đặt mật khẩu mới."
                    </p>
                    <button type="submit">"Cấp mã kích hoạt"</button>
                    {move || reset.value().get().map(|r| match r {
                        Ok(batch) => view! {
                            <div class="alert alert-success" role="status">
                                {batch.codes.into_iter().map(|c| view! {
                                    <p>"Mã kích hoạt của " {c.full_name} ": " <strong data-testid="activation-code">{c.code}</strong></p>
                                }).collect_view()}
                                <p>"Dùng được một lần, đến hết ngày " {date_text(batch.expires_on)} ", tại trang Kích hoạt tài khoản."</p>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    })}
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
pub fn NewMemberPage() -> impl IntoView {
    let query = use_query_map();
    let unit_id = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    view! {
        <Title text="Thêm đảng viên" />
        <WithUser children=move |_user: SessionUser| view! {
            <section class="card">
                <h1>"Thêm đảng viên"</h1>
                <NewMemberForm unit_id=unit_id() />
            </section>
        } />
    }
}

/// The new member's form, then their activation code.
#[crate::ui::interactive]
fn NewMemberForm(unit_id: i64) -> impl IntoView {
    let create = ServerAction::<CreateMember>::new();
    let error = action_error(create);
    move || match create.value().get() {
        Some(Ok(created)) => view! {
            <div class="alert alert-success" role="status">
                <p>"Đã thêm đảng viên. Mã kích hoạt: " <strong data-testid="activation-code">{created.activation_code.clone()}</strong></p>
                <p>"Trao mã cho đảng viên: đồng chí vào trang Kích hoạt tài khoản, nhập số thẻ và mã này để tự đặt mật khẩu. Mã dùng một lần, đến hết ngày " {date_text(created.expires_on)} "."</p>
                <p><a href=format!("/dang-vien/{}", created.id)>"Xem hồ sơ"</a></p>
            </div>
        }.into_any(),
        _ => view! {
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <input type="hidden" name="unit_id" value=unit_id />
                <FormMessage error />
                <FieldMessage error field="unit" />
                <MemberFields error />
                <button type="submit" class="primary">"Thêm đảng viên"</button>
            </ActionForm>
        }.into_any(),
    }
}

// ---------------------------------------------------------------------------------------------
// Importing a list of members from a spreadsheet

/// Moving a unit's members in from a spreadsheet: the template, the form and the report
/// (README "Moving a province in"). `?don-vi=` names the unit; otherwise the user's own scope.
#[component]
pub fn MemberImportPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok());
    view! {
        <Title text="Nhập danh sách đảng viên" />
        <WithUser children=move |user: SessionUser| {
            let own = user.positions.iter().find(|p| p.role == Role::Admin).or(user.positions.first()).map(|p| p.unit_id);
            let unit_id = asked().or(own).unwrap_or(0);
            view! {
                <section class="card">
                    <h1>"Nhập danh sách đảng viên từ tệp"</h1>
                    <p>
                        "Tệp Excel (.xlsx, .xls), LibreOffice (.ods) hoặc .csv — bản xuất từ Cơ sở dữ liệu đảng viên hay danh sách của chi bộ. "
                        "Cột được nhận theo tiêu đề, có dấu hay không dấu: Họ và tên, Số thẻ đảng viên, Ngày sinh, Ngày vào Đảng, Chi bộ (bắt buộc); "
                        "Giới tính, Số điện thoại, Email, Ngày chính thức, Đảng bộ cấp trên cơ sở, Đảng bộ cơ sở, Đảng bộ bộ phận."
                    </p>
                    <p><a href="/api/v1/members/import/mau.xlsx" download="mau-danh-sach-dang-vien.xlsx" data-testid="import-template">"Tải tệp mẫu (.xlsx)"</a></p>
                    <ul class="muted">
                        <li>"Đảng viên được nhận ra theo số thẻ: nhập lại cùng danh sách sẽ cập nhật, không tạo trùng."</li>
                        <li>"Đơn vị chưa có sẽ được lập theo tên trong tệp; đảng viên có trong hệ thống mà không có trong tệp chỉ được liệt kê, không bị xoá."</li>
                        <li>"Chỉ cần một dòng sai là chưa ghi gì: sửa tệp theo báo cáo rồi nhập lại."</li>
                    </ul>
                    <MemberImportForm unit_id />
                </section>
            }
        } />
    }
}

/// The import form: the file is sent with its upload's progress shown, then the report.
#[crate::ui::interactive]
fn MemberImportForm(unit_id: i64) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    // Percent of the file sent while sending (100: the server is checking the rows).
    let sending = RwSignal::new(None::<u32>);
    // Rows the server has gone through, of all it has to (checking, then writing).
    let working = RwSignal::new(None::<(u64, u64)>);
    let outcome = RwSignal::new(None::<Result<super::ImportReport, String>>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "ssr"))]
        {
            let mode = ev.submitter().and_then(|b| b.get_attribute("value")).unwrap_or_else(|| "kiem-tra".into());
            if let Some(form) = form.get_untracked() {
                outcome.set(None);
                working.set(None);
                sending.set(Some(0));
                if browser::send(&form, &mode, sending, working, outcome).is_err() {
                    sending.set(None);
                    outcome.set(Some(Err("Trình duyệt không gửi được tệp; vui lòng thử lại.".into())));
                }
            }
        }
    };
    let busy = move || sending.get().is_some();
    view! {
        <form node_ref=form class="form" method="post" action="/api/v1/members/import" enctype="multipart/form-data" on:submit=on_submit data-testid="import-form">
            <input type="hidden" name="unit_id" value=unit_id />
            <label>
                "Tệp danh sách"
                <input type="file" name="file" accept=".xlsx,.xls,.ods,.csv" required />
            </label>
            <div class="actions">
                <button type="submit" name="mode" value="kiem-tra" disabled=busy>"Kiểm tra trước"</button>
                <button type="submit" name="mode" value="nhap" class="primary" disabled=busy>"Nhập vào hệ thống"</button>
            </div>
        </form>
        {move || sending.get().map(|percent| match working.get().filter(|_| percent >= 100) {
            Some((done, total)) => view! {
                <p role="status" data-testid="import-progress">
                    <progress max=total value=done></progress>
                    " "
                    {format!("Máy chủ đang kiểm tra và ghi từng dòng… {}%", done * 100 / total.max(1))}
                </p>
            }.into_any(),
            None => view! {
                <p role="status" data-testid="import-progress">
                    <progress max="100" value=percent></progress>
                    " "
                    {if percent < 100 { format!("Đang gửi tệp… {percent}%") } else { "Đang kiểm tra từng dòng…".to_string() }}
                </p>
            }.into_any(),
        })}
        {move || outcome.get().map(|result| match result {
            Ok(report) => view! { <ImportReportView report /> }.into_any(),
            Err(message) => view! { <div class="alert alert-error" role="alert">{message}</div> }.into_any(),
        })}
    }
}

/// How many lines of each list the page shows (the command line prints them all).
const REPORT_LINES: usize = 200;

#[component]
fn ImportReportView(report: super::ImportReport) -> impl IntoView {
    let heading = if report.applied {
        "Đã nhập vào hệ thống"
    } else if report.refused.is_empty() {
        "Kết quả kiểm tra — chưa ghi gì"
    } else {
        "Có dòng bị từ chối — chưa ghi gì"
    };
    let more = |total: usize| (total > REPORT_LINES).then(|| view! { <li class="muted">{format!("… và {} dòng nữa", total - REPORT_LINES)}</li> });
    let ready = !report.applied && report.refused.is_empty();
    view! {
        <section class="import-report" data-testid="import-report" aria-live="polite">
            <h2>{heading}</h2>
            <ul>
                <li>{format!("Nhập vào: {}", report.unit)}</li>
                <li>{format!("Số dòng dữ liệu: {}", report.rows)}</li>
                <li data-testid="import-created">{format!("Đảng viên mới: {}", report.created)}</li>
                <li data-testid="import-updated">{format!("Cập nhật: {}", report.updated.len())}</li>
                <li>{format!("Không thay đổi: {}", report.unchanged)}</li>
                <li data-testid="import-new-units">{format!("Đơn vị mới: {}", report.new_units.len())}</li>
                <li data-testid="import-positions">{format!("Chức vụ mới (Bí thư, Phó Bí thư chi bộ): {}", report.positions.len())}</li>
                <li>{format!("Có trong hệ thống nhưng không có trong tệp (không xoá): {}", report.missing.len())}</li>
            </ul>
            {(!report.refused.is_empty()).then(|| view! {
                <h3>{format!("Dòng bị từ chối: {}", report.refused.len())}</h3>
                <table class="table" data-testid="import-refused">
                    <thead><tr><th>"Dòng"</th><th>"Cột"</th><th>"Lý do"</th></tr></thead>
                    <tbody>
                        {report.refused.iter().take(REPORT_LINES).map(|p| view! {
                            <tr><td>{p.row}</td><td>{p.column.clone()}</td><td>{p.message.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {(report.refused.len() > REPORT_LINES).then(|| view! { <p class="muted">{format!("… và {} dòng nữa", report.refused.len() - REPORT_LINES)}</p> })}
            })}
            {(!report.new_units.is_empty()).then(|| view! {
                <details>
                    <summary>{format!("Đơn vị mới ({})", report.new_units.len())}</summary>
                    <ul>{report.new_units.iter().take(REPORT_LINES).map(|u| view! { <li>{u.clone()}</li> }).collect_view()}{more(report.new_units.len())}</ul>
                </details>
            })}
            {(!report.updated.is_empty()).then(|| view! {
                <details>
                <summary>{format!("Cập nhật ({})", report.updated.len())}</summary>
                <ul>
                    {report.updated.iter().take(REPORT_LINES).map(|c| view! {
                        <li>{format!("Dòng {}: {} ({}) — {}", c.row, c.full_name, c.card_no, c.fields.join(", "))}</li>
                    }).collect_view()}
                    {more(report.updated.len())}
                </ul>
                </details>
            })}
            {(!report.positions.is_empty()).then(|| view! {
                <details>
                <summary>{format!("Chức vụ mới ({})", report.positions.len())}</summary>
                <ul>
                    {report.positions.iter().take(REPORT_LINES).map(|c| {
                        let replaces = c.replaces.as_ref().map(|r| format!(" (thay đồng chí {r})")).unwrap_or_default();
                        view! { <li>{format!("Dòng {}: {} — {}, {}{replaces}", c.row, c.full_name, c.role.label(), c.cell)}</li> }
                    }).collect_view()}
                    {more(report.positions.len())}
                </ul>
                </details>
            })}
            {(!report.roles_not_read.is_empty()).then(|| view! {
                <details>
                <summary>{format!("Chức vụ không ghi từ tệp ({})", report.roles_not_read.len())}</summary>
                <ul>
                    {report.roles_not_read.iter().take(REPORT_LINES).map(|p| view! { <li>{format!("Dòng {}: {}", p.row, p.message)}</li> }).collect_view()}
                    {more(report.roles_not_read.len())}
                </ul>
                </details>
            })}
            {(!report.missing.is_empty()).then(|| view! {
                <details>
                <summary>{format!("Không có trong tệp — không xoá ({})", report.missing.len())}</summary>
                <ul>
                    {report.missing.iter().take(REPORT_LINES).map(|m| view! { <li>{format!("{} ({}), {}", m.full_name, m.card_no, m.cell)}</li> }).collect_view()}
                    {more(report.missing.len())}
                </ul>
                </details>
            })}
            {ready.then(|| view! { <p class="alert alert-success" role="status">"Tệp hợp lệ. Bấm “Nhập vào hệ thống” để ghi."</p> })}
        </section>
    }
}

#[cfg(not(feature = "ssr"))]
mod browser {
    //! Sending the file with XMLHttpRequest: `fetch` cannot report an upload's progress, which a
    //! 5 MB province list on a rural connection needs.

    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use crate::error::AppError;
    use crate::members::ImportReport;

    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: ErrorInner,
    }

    #[derive(serde::Deserialize)]
    struct ErrorInner {
        kind: AppError,
        message: String,
    }

    /// One line of the server's answer: how far it is, then the report or why it stopped.
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Line {
        Progress(u64, u64),
        Report(ImportReport),
        Error(ErrorInner),
    }

    fn lines(text: &str) -> impl Iterator<Item = Line> + '_ {
        text.lines().filter_map(|l| serde_json::from_str::<Line>(l).ok())
    }

    pub(super) fn send(
        form: &web_sys::HtmlFormElement,
        mode: &str,
        sending: RwSignal<Option<u32>>,
        working: RwSignal<Option<(u64, u64)>>,
        outcome: RwSignal<Option<Result<ImportReport, String>>>,
    ) -> Result<(), wasm_bindgen::JsValue> {
        let data = web_sys::FormData::new_with_form(form)?;
        data.set_with_str("mode", mode)?;
        let xhr = web_sys::XmlHttpRequest::new()?;
        xhr.open("POST", "/api/v1/members/import")?;
        // The answer comes line by line: the rows gone through so far, then the report.
        xhr.set_request_header("Accept", "application/x-ndjson")?;
        let reading = xhr.clone();
        let answer_progress = Closure::<dyn FnMut()>::new(move || {
            let text = reading.response_text().ok().flatten().unwrap_or_default();
            let last = lines(&text).filter_map(|l| match l {
                Line::Progress(done, total) => Some((done, total)),
                _ => None,
            }).last();
            if last.is_some() {
                working.set(last);
            }
        });
        xhr.set_onprogress(Some(answer_progress.as_ref().unchecked_ref()));
        answer_progress.forget();
        let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                sending.set(Some((e.loaded() / e.total() * 100.0).floor() as u32));
            }
        });
        xhr.upload()?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        // One small closure per upload, kept for as long as the request may report progress.
        progress.forget();
        let answered = xhr.clone();
        let on_load = Closure::once_into_js(move || {
            sending.set(None);
            let text = answered.response_text().ok().flatten().unwrap_or_default();
            let status = answered.status().unwrap_or(0);
            working.set(None);
            outcome.set(Some(if status == 200 {
                match lines(&text).last() {
                    Some(Line::Report(report)) => Ok(report),
                    Some(Line::Error(error)) => Err(error.kind.field_message("file").unwrap_or(error.message)),
                    _ => Err("Máy chủ trả lời không đúng dạng; vui lòng thử lại.".to_string()),
                }
            } else {
                Err(error_message(&text))
            }));
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        let on_error = Closure::once_into_js(move || {
            sending.set(None);
            outcome.set(Some(Err("Không gửi được tệp: kiểm tra kết nối mạng rồi thử lại.".into())));
        });
        xhr.set_onerror(Some(on_error.unchecked_ref()));
        xhr.send_with_opt_form_data(Some(&data))
    }

    /// The server's reason, in the words meant for the person: the file's or the unit's field
    /// message when there is one.
    fn error_message(body: &str) -> String {
        match serde_json::from_str::<ErrorBody>(body) {
            Ok(ErrorBody { error }) => ["file", "unit"]
                .iter()
                .find_map(|field| error.kind.field_message(field))
                .unwrap_or(error.message),
            Err(_) => "Máy chủ không nhận tệp; vui lòng thử lại sau ít phút.".into(),
        }
    }
}
