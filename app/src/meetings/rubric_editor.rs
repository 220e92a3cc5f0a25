//! `/sinh-hoat/thang-diem?don-vi=<unit>`: an administrator sets the scoring rubric for their
//! unit's subtree. Each save is a new version; meetings already scored keep the version they were
//! scored with, and the nearest unit above a cell that has a rubric decides which one it uses.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::auth::SessionUser;
use crate::error::AppError;
use crate::ui::{FieldMessage, FormMessage, Loaded, WithUser};
use crate::units::UnitRef;

/// How a criterion can be pre-filled, as the editor offers it.
pub const AUTO_CHOICES: [(&str, &str); 5] = [
    ("", "Chấm tay"),
    ("attendance", "Tự động gợi ý: tỷ lệ dự họp"),
    ("duration", "Tự động gợi ý: thời lượng sinh hoạt"),
    ("documents_early", "Tự động gợi ý: tài liệu đăng trước 1 ngày"),
    ("minutes_complete", "Tự động gợi ý: biên bản được thông qua"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionDraft {
    pub label: String,
    /// Points as typed ("45", "7,5").
    pub max_points: String,
    /// An `AutoRule` code, or empty for manual scoring.
    pub auto: String,
}

/// A rubric as the form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricDraft {
    pub name: String,
    pub criteria: Vec<CriterionDraft>,
    /// Lowest totals for Tốt, Khá and Trung bình; below that is Kém.
    pub tot: String,
    pub kha: String,
    pub trung_binh: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricVersionRow {
    pub version: i32,
    pub name: String,
    pub created_at: String,
    /// Meetings scored with this version.
    pub meetings: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricEditorView {
    pub unit: UnitRef,
    /// Who set the rubric in force here: this unit, a unit above, or the default.
    pub source: String,
    /// The unit has its own rubric (otherwise it inherits one).
    pub own: bool,
    pub version: i32,
    pub draft: RubricDraft,
    /// This unit's versions, newest first.
    pub versions: Vec<RubricVersionRow>,
}

#[server(endpoint = "rubric-editor")]
pub async fn rubric_editor(unit_id: Option<i64>) -> Result<RubricEditorView, AppError> {
    call!(|db, user| async move {
        let unit_id = unit_id.unwrap_or_else(|| service::default_unit(&user));
        service::editor(&db, &user, unit_id).await
    })
}

#[server(endpoint = "rubric-save")]
pub async fn save_unit_rubric(unit_id: i64, draft: RubricDraft) -> Result<i32, AppError> {
    call!(|db, user| service::save(&db, &user, unit_id, &draft))
}

#[cfg(feature = "ssr")]
pub mod service {
    use chrono::Utc;
    use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait};

    use super::*;
    use crate::auth::Role;
    use crate::auth::service::{Action, authorize};
    use crate::db::entities::{meeting, rubric};
    use crate::meetings::rubric::{AutoRule, CriterionSpec, KEM, KHA, RubricSpec, TOT, TRUNG_BINH, Threshold, parse_points, points_text};
    use crate::meetings::service::{load_rubric, rubric_for_cell, save_rubric};
    use crate::units::service::find_unit;
    use crate::validate::{Checks, format_datetime};

    /// Each unit's rubric versions share one family.
    pub fn family_of(unit_id: i64) -> String {
        format!("don-vi-{unit_id}")
    }

    /// Where an administrator lands: the unit they administer.
    pub fn default_unit(user: &SessionUser) -> i64 {
        user.positions.iter().find(|p| p.role == Role::Admin).map_or(user.cell_id, |p| p.unit_id)
    }

    pub async fn editor(db: &DatabaseConnection, user: &SessionUser, unit_id: i64) -> crate::error::AppResult<RubricEditorView> {
        authorize(db, user, Action::ManageUnit(unit_id)).await?;
        let unit = find_unit(db, unit_id).await?;
        let in_force = rubric_for_cell(db, unit_id).await?;
        let row = rubric::Entity::find_by_id(in_force).one(db).await?.ok_or(AppError::Internal)?;
        let (spec, _) = load_rubric(db, in_force).await?;
        let source = match row.owner_unit_id {
            Some(owner) if owner == unit_id => "Thang điểm riêng của đơn vị".to_string(),
            Some(owner) => format!("Áp dụng theo {}", find_unit(db, owner).await?.name),
            None => "Thang điểm mặc định".to_string(),
        };
        let mut versions = Vec::new();
        for r in rubric::Entity::find().filter(rubric::Column::Family.eq(family_of(unit_id))).order_by_desc(rubric::Column::Version).all(db).await? {
            let meetings = meeting::Entity::find().filter(meeting::Column::RubricId.eq(r.id)).count(db).await? as i64;
            versions.push(RubricVersionRow { version: r.version, name: r.name, created_at: format_datetime(r.created_at), meetings });
        }
        let threshold = |code: &str| spec.thresholds.iter().find(|t| t.code == code).map(|t| points_text(t.min_tenths)).unwrap_or_default();
        Ok(RubricEditorView {
            unit: UnitRef { id: unit.id, name: unit.name },
            source,
            own: row.owner_unit_id == Some(unit_id),
            version: row.version,
            draft: RubricDraft {
                name: spec.name.clone(),
                criteria: spec
                    .criteria
                    .iter()
                    .map(|c| CriterionDraft {
                        label: c.label.clone(),
                        max_points: points_text(c.max_tenths),
                        auto: c.auto.map(|a| a.as_str().to_string()).unwrap_or_default(),
                    })
                    .collect(),
                tot: threshold(TOT),
                kha: threshold(KHA),
                trung_binh: threshold(TRUNG_BINH),
            },
            versions,
        })
    }

    /// The draft as a rubric, or every problem with the field it belongs to.
    pub fn parse_draft(draft: &RubricDraft) -> crate::error::AppResult<RubricSpec> {
        let mut checks = Checks::new();
        let name = checks.text("name", &draft.name, "tên thang điểm", 5, 200);
        if draft.criteria.is_empty() || draft.criteria.len() > 20 {
            checks.fail("criteria", "Thang điểm có từ 1 đến 20 tiêu chí.");
        }
        let mut criteria = Vec::new();
        for (i, c) in draft.criteria.iter().enumerate() {
            let label = checks.text(&format!("c{i}.label"), &c.label, "nội dung tiêu chí", 3, 500);
            let max = parse_points(&c.max_points).filter(|m| (1..=1000).contains(m));
            if max.is_none() {
                checks.fail(&format!("c{i}.max"), "Điểm tối đa là số từ 0,1 đến 100 (ví dụ 15 hoặc 7,5).");
            }
            let auto = match c.auto.as_str() {
                "" => None,
                code => {
                    let rule = AutoRule::parse(code);
                    if rule.is_none() {
                        checks.fail(&format!("c{i}.auto"), "Cách chấm không hợp lệ.");
                    }
                    rule
                }
            };
            criteria.push(CriterionSpec { code: format!("tc{}", i + 1), label, max_tenths: max.unwrap_or(0), auto });
        }
        let total: i32 = criteria.iter().map(|c| c.max_tenths).sum();
        let mut level = |field: &str, value: &str| {
            let parsed = parse_points(value).filter(|v| *v > 0);
            if parsed.is_none() {
                checks.fail(field, "Vui lòng nhập số điểm lớn hơn 0.");
            }
            parsed.unwrap_or(0)
        };
        let (tot, kha, trung_binh) = (level("tot", &draft.tot), level("kha", &draft.kha), level("trung_binh", &draft.trung_binh));
        if tot > total && total > 0 {
            checks.fail("tot", format!("Mức Tốt không được vượt tổng điểm tối đa ({}).", points_text(total)));
        }
        if kha > 0 && kha >= tot {
            checks.fail("kha", "Mức Khá phải thấp hơn mức Tốt.");
        }
        if trung_binh > 0 && trung_binh >= kha {
            checks.fail("trung_binh", "Mức Trung bình phải thấp hơn mức Khá.");
        }
        checks.finish()?;
        let t = |code: &str, label: &str, min: i32| Threshold { code: code.into(), label: label.into(), min_tenths: min };
        Ok(RubricSpec {
            name,
            criteria,
            thresholds: vec![t(TOT, "Tốt", tot), t(KHA, "Khá", kha), t(TRUNG_BINH, "Trung bình", trung_binh), t(KEM, "Kém", 0)],
        })
    }

    /// Saves the draft as the unit's next rubric version; returns the version number.
    pub async fn save(db: &DatabaseConnection, user: &SessionUser, unit_id: i64, draft: &RubricDraft) -> crate::error::AppResult<i32> {
        authorize(db, user, Action::ManageUnit(unit_id)).await?;
        let spec = parse_draft(draft)?;
        let txn = db.begin().await?;
        let id = save_rubric(&txn, &family_of(unit_id), Some(unit_id), &spec, Some(user.member_id)).await?;
        let version = rubric::Entity::find_by_id(id).one(&txn).await?.map_or(1, |r| r.version);
        txn.commit().await?;
        tracing::info!(unit_id, version, by = user.member_id, at = %Utc::now(), "rubric saved");
        Ok(version)
    }
}

/// One criterion row of the form; its own signals so typing never redraws the list.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    label: RwSignal<String>,
    max: RwSignal<String>,
    auto: RwSignal<String>,
}

impl Row {
    fn new(key: u32, c: &CriterionDraft) -> Row {
        Row { key, label: RwSignal::new(c.label.clone()), max: RwSignal::new(c.max_points.clone()), auto: RwSignal::new(c.auto.clone()) }
    }
}

#[component]
pub fn RubricEditorPage() -> impl IntoView {
    let query = use_query_map();
    let unit = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok());
    let editor = Resource::new(unit, rubric_editor);
    view! {
        <Title text="Thang điểm chất lượng sinh hoạt" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=editor children=move |e| view! { <RubricEditor editor=e /> } />
        } />
    }
}

/// The editor; once saved it is loaded again (the new version and its number).
#[crate::ui::interactive]
fn RubricEditor(editor: RubricEditorView) -> impl IntoView {
    let unit_id = editor.unit.id;
    let (current, saved) = crate::ui::reloaded(editor, move || rubric_editor(Some(unit_id)));
    move || view! { <EditorForm editor=current.get() saved /> }
}

#[component]
fn EditorForm(editor: RubricEditorView, saved: RwSignal<u32>) -> impl IntoView {
    let unit_id = editor.unit.id;
    let next_key = StoredValue::new(editor.draft.criteria.len() as u32);
    let rows = RwSignal::new(editor.draft.criteria.iter().enumerate().map(|(i, c)| Row::new(i as u32, c)).collect::<Vec<_>>());
    let name = RwSignal::new(editor.draft.name.clone());
    let tot = RwSignal::new(editor.draft.tot.clone());
    let kha = RwSignal::new(editor.draft.kha.clone());
    let trung_binh = RwSignal::new(editor.draft.trung_binh.clone());
    let save = Action::new(move |_: &()| {
        let draft = RubricDraft {
            name: name.get_untracked(),
            criteria: rows
                .get_untracked()
                .iter()
                .map(|r| CriterionDraft { label: r.label.get_untracked(), max_points: r.max.get_untracked(), auto: r.auto.get_untracked() })
                .collect(),
            tot: tot.get_untracked(),
            kha: kha.get_untracked(),
            trung_binh: trung_binh.get_untracked(),
        };
        async move {
            let r = save_unit_rubric(unit_id, draft).await;
            if r.is_ok() {
                saved.update(|v| *v += 1);
            }
            r
        }
    });
    let error = crate::ui::action_error(save);
    let total = move || {
        rows.read().iter().map(|r| crate::meetings::rubric::parse_points(&r.max.get()).unwrap_or(0)).sum::<i32>()
    };
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(Row::new(key, &CriterionDraft::default())));
    };
    let level = |label: &'static str, field: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=format!("rb-{field}")>{label}</label>
                <input id=format!("rb-{field}") inputmode="decimal" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                <FieldMessage error field />
            </div>
        }
    };
    view! {
        <section class="card" data-testid="rubric-editor">
            <h1>"Thang điểm chất lượng sinh hoạt chi bộ"</h1>
            <p class="lead">{editor.unit.name.clone()}</p>
            <p data-testid="rubric-source">{format!("{} · phiên bản {}", editor.source, editor.version)}</p>
            <p class="muted">"Áp dụng cho các chi bộ trực thuộc từ buổi sinh hoạt chấm điểm tiếp theo; các buổi đã chấm giữ nguyên thang điểm cũ."</p>
            {(saved.get_untracked() > 0).then(|| view! {
                <p class="alert alert-success" role="status">{format!("Đã lưu thang điểm, phiên bản {}.", editor.version)}</p>
            })}
            <div class="field">
                <label for="rb-name">"Tên thang điểm"</label>
                <input id="rb-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <FieldMessage error field="name" />
            </div>
            <h2>"Tiêu chí"</h2>
            <FieldMessage error field="criteria" />
            <ol class="criteria-list" data-testid="rubric-criteria">
                <For each=move || rows.get() key=|r| r.key let:row>
                    {
                        let position = move || rows.with(|all| all.iter().position(|r| r.key == row.key).unwrap_or(0));
                        let field = move |part: &str| format!("c{}.{part}", position());
                        view! {
                            <li class="criterion-edit">
                                <label>"Nội dung tiêu chí"
                                    <textarea rows="2" prop:value=move || row.label.get() on:input=move |ev| row.label.set(event_target_value(&ev))></textarea>
                                </label>
                                {move || error.get().and_then(|e| e.field_message(&field("label"))).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                                <div class="inline-form">
                                    <label>"Điểm tối đa"
                                        <input inputmode="decimal" class="points" prop:value=move || row.max.get() on:input=move |ev| row.max.set(event_target_value(&ev)) />
                                    </label>
                                    <label>"Cách chấm"
                                        <select on:change=move |ev| row.auto.set(event_target_value(&ev))>
                                            {AUTO_CHOICES.iter().map(|(code, text)| {
                                                let code = *code;
                                                view! { <option value=code selected=move || row.auto.get() == code>{*text}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <button type="button" on:click=move |_| rows.update(|all| all.retain(|r| r.key != row.key))>"Xóa tiêu chí"</button>
                                </div>
                                {move || error.get().and_then(|e| e.field_message(&field("max"))).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                            </li>
                        }
                    }
                </For>
            </ol>
            <button type="button" on:click=add>"Thêm tiêu chí"</button>
            <p class="lead" data-testid="rubric-total">{move || format!("Tổng điểm tối đa: {}", crate::meetings::rubric::points_text(total()))}</p>
            <h2>"Mức xếp loại (điểm tối thiểu)"</h2>
            {level("Tốt từ", "tot", tot)}
            {level("Khá từ", "kha", kha)}
            {level("Trung bình từ", "trung_binh", trung_binh)}
            <p class="muted">"Dưới mức Trung bình là Kém."</p>
            <FormMessage error />
            <button type="button" class="primary" on:click=move |_| { save.dispatch(()); }>"Lưu thang điểm (phiên bản mới)"</button>
        </section>
        {(!editor.versions.is_empty()).then(|| view! {
            <section class="card" data-testid="rubric-versions">
                <h2>"Các phiên bản của đơn vị"</h2>
                <ul>
                    {editor.versions.clone().into_iter().map(|v| view! {
                        <li>{format!("Phiên bản {} · {} · lưu lúc {} · {} buổi đã chấm", v.version, v.name, v.created_at, v.meetings)}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <p><a href=format!("/bao-cao-sinh-hoat?don-vi={unit_id}")>"‹ Báo cáo sinh hoạt của đơn vị"</a></p>
    }
}
