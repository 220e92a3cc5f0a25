//! Meeting pages: the cell's list, planning, and one meeting with invitation, attendance,
//! scoring, the committee's review and anonymous rating.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::rubric::{parse_points, points_text};
use super::{
    ATTENDANCE, AttendanceMark, CheckInResult, KINDS, MeetingDetail, MeetingSummary, PlanMeeting,
    RatingSummary, STATUSES, answer_invitation, cell_meetings, get_meeting, rate_meeting, review_meeting,
    record_meeting_held, save_attendance, score_meeting,
};
use crate::auth::SessionUser;
use crate::common::label_of;
use crate::error::AppError;
use crate::offline::{OfflineWrite, QueueOutcome, send_or_queue};
use crate::ui::{BoundField, ErrorBox, browser_action, Field, FieldMessage, FormMessage, Loaded, WithUser, action_error};

/// What the secretary sees after saving: done, or kept on the phone until there is a connection.
fn saved_text<T>(outcome: &QueueOutcome<T>, what: &str) -> String {
    match outcome {
        QueueOutcome::Done(_) => format!("Đã lưu {what}."),
        QueueOutcome::Queued => format!("Đã lưu {what} trên máy; sẽ gửi khi có mạng."),
    }
}

fn class_label(code: &str) -> &'static str {
    match code {
        super::rubric::TOT => "Tốt",
        super::rubric::KHA => "Khá",
        super::rubric::TRUNG_BINH => "Trung bình",
        _ => "Kém",
    }
}

pub(super) fn result_text(m: &MeetingSummary) -> String {
    match (m.total_tenths, m.classification.as_deref()) {
        (Some(t), Some(c)) => format!("{} điểm · {}", points_text(t), class_label(c)),
        _ => label_of(&STATUSES, &m.status),
    }
}

#[component]
fn MeetingRows(meetings: Vec<MeetingSummary>, #[prop(optional)] with_cell: bool) -> impl IntoView {
    view! {
        <ul class="doc-list" data-testid="meetings">
            {meetings.into_iter().map(|m| {
                let result = result_text(&m);
                view! {
                    <li class="doc-row">
                        <a href=format!("/sinh-hoat/{}", m.id) class="doc-title">{m.topic.clone()}</a>
                        <span class="muted">
                            {label_of(&KINDS, &m.kind)} " · " {m.starts_at.clone()}
                            {with_cell.then(|| format!(" · {}", m.unit.name))}
                        </span>
                        <span class=format!("badge status-{}", m.status)>{result}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The home page's invitations: meetings coming up in the member's cell and whether they
/// answered. The resource is created by the page before anything suspends, so the server and
/// the browser create it in the same order.
#[component]
pub fn UpcomingMeetings(meetings: Resource<Result<Vec<super::UpcomingMeeting>, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                meetings.await.ok().filter(|m| !m.is_empty()).map(|list| view! {
                    <section class="card" data-testid="upcoming-meetings">
                        <h2>"Lịch sinh hoạt chi bộ"</h2>
                        <ul class="meeting-list">
                            {list.into_iter().map(|m| {
                                let answer = match m.rsvp.as_str() {
                                    "yes" => "Đồng chí đã báo sẽ dự",
                                    "excused" => "Đồng chí đã xin vắng",
                                    _ => "Chưa trả lời — bấm để báo dự hoặc xin vắng",
                                };
                                view! {
                                    <li>
                                        <a href=format!("/sinh-hoat/{}", m.summary.id)>{m.summary.topic}</a>
                                        <span class="muted">" · " {m.summary.starts_at} " · " {m.place}</span>
                                        <br /><span class=if m.rsvp.is_empty() { "state state-not_started" } else { "state state-read" }>{answer}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}

/// `/sinh-hoat` (optionally `?don-vi=<cell>`).
#[component]
pub fn MeetingsListPage() -> impl IntoView {
    let query = use_query_map();
    let cell = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok());
    let page = Resource::new(cell, cell_meetings);
    view! {
        <Title text="Sinh hoạt chi bộ" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=page children=|p: super::MeetingsPage| view! {
                <section class="card">
                    <div class="title-row">
                        <h1>"Sinh hoạt chi bộ"</h1>
                        {p.can_plan.then(|| view! {
                            <a href=format!("/sinh-hoat/moi?don-vi={}", p.cell.id) class="button primary">"Lên kế hoạch"</a>
                        })}
                        {p.can_plan.then(|| view! {
                            <a href=format!("/bao-cao-sinh-hoat?don-vi={}", p.cell.id) class="button">"Báo cáo"</a>
                        })}
                    </div>
                    <p class="muted">{p.cell.name.clone()}</p>
                    {if p.meetings.is_empty() {
                        view! { <p class="muted">"Chưa có buổi sinh hoạt nào."</p> }.into_any()
                    } else {
                        view! { <MeetingRows meetings=p.meetings.clone() /> }.into_any()
                    }}
                </section>
                {(!p.awaiting_review.is_empty()).then(|| view! {
                    <section class="card" data-testid="awaiting-review">
                        <h2>"Chờ cấp ủy duyệt kết quả"</h2>
                        <MeetingRows meetings=p.awaiting_review.clone() with_cell=true />
                    </section>
                })}
            } />
        } />
    }
}

/// `/sinh-hoat/moi?don-vi=<cell>`: the secretary plans a meeting.
#[component]
pub fn PlanMeetingPage() -> impl IntoView {
    let query = use_query_map();
    view! {
        <Title text="Lên kế hoạch sinh hoạt" />
        <WithUser children=move |user: SessionUser| {
            let cell = query.read_untracked().get("don-vi").and_then(|v| v.parse::<i64>().ok()).unwrap_or(user.cell_id);
            view! {
                <section class="card">
                    <p class="muted"><a href="/sinh-hoat">"‹ Sinh hoạt chi bộ"</a></p>
                    <h1>"Lên kế hoạch sinh hoạt"</h1>
                    <PlanForm cell />
                </section>
            }
        } />
    }
}

/// The plan's form (the server opens the new meeting once saved).
#[crate::ui::interactive]
fn PlanForm(cell: i64) -> impl IntoView {
    let plan = ServerAction::<PlanMeeting>::new();
    let error = action_error(plan);
    view! {
        <ActionForm action=plan attr:class="form" attr:novalidate=true>
            <input type="hidden" name="form[unit_id]" value=cell />
            <FormMessage error />
            <label for="mt-kind">"Loại buổi sinh hoạt"</label>
            <select id="mt-kind" name="form[kind]">
                {KINDS.iter().map(|(code, text)| view! { <option value=*code>{*text}</option> }).collect_view()}
            </select>
            <FieldMessage error field="kind" />
            <label class="choice"><input type="checkbox" name="form[with_thematic]" value="true" />" Kết hợp sinh hoạt chuyên đề trong cùng buổi (tối thiểu 120 phút)"</label>
            <Field id="mt-topic" name="form[topic]" field="topic" label="Chủ đề" error placeholder="Sinh hoạt thường kỳ tháng 12" />
            <label for="mt-agenda">"Chương trình"</label>
            <textarea id="mt-agenda" name="form[agenda]" rows="5" placeholder="1. Đánh giá tình hình thực hiện nghị quyết tháng trước\n2. Phương hướng, nhiệm vụ tháng tới"></textarea>
            <FieldMessage error field="agenda" />
            <Field id="mt-place" name="form[place]" field="place" label="Địa điểm" error placeholder="Nhà văn hóa ấp" />
            <Field id="mt-start" name="form[starts_at]" field="starts_at" label="Thời gian bắt đầu" error input_type="datetime-local" />
            <Field id="mt-minutes" name="form[planned_minutes]" field="planned_minutes" label="Thời lượng dự kiến (phút)" error value="90" inputmode="numeric" />
            <button type="submit" class="primary">"Lưu kế hoạch và mời đảng viên"</button>
        </ActionForm>
    }
}

/// `/sinh-hoat/:id`.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(id, get_meeting);
    view! {
        <WithUser children=move |user: SessionUser| view! {
            <Loaded resource=detail error_title="Sinh hoạt chi bộ" children=move |d: MeetingDetail| view! {
                <Title text=d.summary.topic.clone() />
                <MeetingView detail=d member_id=user.member_id />
            } />
        } />
    }
}

/// The meeting with everything one can do on it. Each change loads the meeting again and
/// redraws it, as the page would after a reload.
#[crate::ui::interactive]
fn MeetingView(detail: MeetingDetail, member_id: i64) -> impl IntoView {
    let id = detail.summary.id;
    let (current, version) = crate::ui::reloaded(detail, move || get_meeting(id));
    move || view! { <Meeting detail=current.get() member_id version /> }
}

#[component]
fn Meeting(detail: MeetingDetail, member_id: i64, version: RwSignal<u32>) -> impl IntoView {
    let s = detail.summary.clone();
    let id = s.id;
    let invited = detail.attendance.iter().find(|a| a.member_id == member_id).cloned();
    let planned = s.status == "planned";
    let f = detail.facts;
    view! {
        <section class="card" data-testid="meeting">
            <p class="muted"><a href=format!("/sinh-hoat?don-vi={}", s.unit.id)>"‹ Sinh hoạt chi bộ"</a></p>
            <h1>{s.topic.clone()}</h1>
            <dl class="facts">
                <dt>"Chi bộ"</dt><dd>{s.unit.name.clone()}</dd>
                <dt>"Loại"</dt><dd>{label_of(&KINDS, &s.kind)}</dd>
                <dt>"Thời gian"</dt><dd>{s.starts_at.clone()} " · " {detail.planned_minutes} " phút"</dd>
                <dt>"Địa điểm"</dt><dd>{detail.place.clone()}</dd>
                <dt>"Tình trạng"</dt><dd data-testid="meeting-status">{result_text(&s)}</dd>
                <dt>"Tham dự"</dt><dd data-testid="meeting-attendance">{format!("{}/{} đảng viên ({},{}%), {} vắng không lý do", f.attended, f.expected, f.attendance_permille() / 10, f.attendance_permille() % 10, f.unexcused)}</dd>
            </dl>
            {(!detail.agenda.is_empty()).then(|| view! {
                <h2>"Chương trình"</h2>
                <div class="agenda">{detail.agenda.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
            })}
            <div class="manage-row">
                {(!planned).then(|| view! { <a href=format!("/sinh-hoat/{id}/bien-ban") class="button">"Biên bản"</a> })}
                {(detail.can_manage && s.status != "approved").then(|| view! { <a href=format!("/sinh-hoat/{id}/ma-qr") class="button">"Mã QR điểm danh"</a> })}
            </div>
            <MeetingDocuments detail=detail.clone() version />
            {(planned && invited.is_some()).then(|| view! { <Invitation meeting_id=id version current=invited.clone().map(|a| a.rsvp).unwrap_or_default() /> })}
        </section>
        {detail.can_manage.then(|| view! { <AttendanceForm detail=detail.clone() version member_id /> })}
        {(detail.can_manage && !planned).then(|| view! { <ScoreForm detail=detail.clone() version review=false member_id /> })}
        {(detail.can_review && s.status == "scored").then(|| view! { <ScoreForm detail=detail.clone() version review=true member_id /> })}
        {(invited.is_some() && !planned).then(|| view! { <RatingForm meeting_id=id /> })}
        {detail.ratings.clone().map(|summary| view! { <Ratings summary /> })}
    }
}

#[component]
fn Invitation(meeting_id: i64, version: RwSignal<u32>, current: String) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let answer = Action::new(move |coming: &bool| {
        let coming = *coming;
        async move {
            let r = answer_invitation(meeting_id, coming, reason.get_untracked()).await;
            if r.is_ok() {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let error = crate::ui::action_error(answer);
    view! {
        <div class="invitation" data-testid="invitation">
            <h2>"Đồng chí có dự được không?"</h2>
            <p class="muted">{match current.as_str() {
                "yes" => "Đồng chí đã báo sẽ dự.",
                "excused" => "Đồng chí đã xin vắng.",
                _ => "Đồng chí chưa trả lời.",
            }}</p>
            <button type="button" class="primary" on:click=move |_| { answer.dispatch(true); }>"Tôi sẽ dự"</button>
            <label for="rsvp-reason">"Hoặc xin vắng, lý do:"</label>
            <input id="rsvp-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            <FieldMessage error field="reason" />
            <button type="button" on:click=move |_| { answer.dispatch(false); }>"Xin vắng"</button>
            <FormMessage error />
        </div>
    }
}

#[component]
fn AttendanceForm(detail: MeetingDetail, version: RwSignal<u32>, member_id: i64) -> impl IntoView {
    let id = detail.summary.id;
    let topic = detail.summary.topic.clone();
    let marks: RwSignal<HashMap<i64, String>> =
        RwSignal::new(detail.attendance.iter().map(|a| (a.member_id, a.status.clone())).collect());
    let label = format!("Điểm danh: {topic}");
    let save = browser_action(move |_: &()| {
        let list: Vec<AttendanceMark> = marks
            .get_untracked()
            .into_iter()
            .filter(|(_, s)| s != "unmarked")
            .map(|(member_id, status)| AttendanceMark { member_id, status, note: String::new() })
            .collect();
        let write = OfflineWrite::MeetingAttendance { meeting_id: id, marks: list.clone() };
        let label = label.clone();
        async move {
            let r = send_or_queue(Some(member_id), save_attendance(id, list), write, label).await;
            if matches!(r, Ok(QueueOutcome::Done(()))) {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let error = crate::ui::action_error(save);
    let held_minutes = RwSignal::new(detail.held_minutes.map(|m| m.to_string()).unwrap_or_default());
    let held_label = format!("Ghi nhận đã sinh hoạt: {topic}");
    let held = browser_action(move |_: &()| {
        let typed = held_minutes.get_untracked();
        let label = held_label.clone();
        async move {
            let minutes = typed.trim().parse::<i32>().map_err(|_| AppError::invalid("held_minutes", "Vui lòng nhập số phút."))?;
            let write = OfflineWrite::MeetingHeld { meeting_id: id, held_minutes: minutes };
            let r = send_or_queue(Some(member_id), record_meeting_held(id, typed), write, label).await;
            if matches!(r, Ok(QueueOutcome::Done(()))) {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let held_error = crate::ui::action_error(held);
    let approved = detail.summary.status == "approved";
    view! {
        <section class="card" data-testid="attendance">
            <h2>"Điểm danh"</h2>
            <ul class="member-list">
                {detail.attendance.into_iter().map(|a| {
                    let member_id = a.member_id;
                    let rsvp = match a.rsvp.as_str() {
                        "yes" => "báo sẽ dự".to_string(),
                        "excused" => format!("xin vắng: {}", a.rsvp_reason),
                        _ => String::new(),
                    };
                    view! {
                        <li class="member-row attendance-row">
                            <label for=format!("att-{member_id}") class="member-name">{a.full_name.clone()}</label>
                            {(!rsvp.is_empty()).then(|| view! { <span class="muted">{rsvp}</span> })}
                            <select id=format!("att-{member_id}") disabled=approved
                                on:change=move |ev| { let v = event_target_value(&ev); marks.update(|m| { m.insert(member_id, v); }); }>
                                {ATTENDANCE.iter().map(|(code, text)| {
                                    let selected = a.status == *code;
                                    view! { <option value=*code selected=selected>{*text}</option> }
                                }).collect_view()}
                            </select>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FormMessage error />
            {(!approved).then(|| view! {
                <button type="button" class="primary" on:click=move |_| { save.dispatch(()); }>"Lưu điểm danh"</button>
                {move || save.value().get().and_then(|r| r.ok()).map(|done| view! { <p class="alert alert-success" role="status">{saved_text(&done, "điểm danh")}</p> })}
                <form class="form" on:submit=move |ev| { ev.prevent_default(); held.dispatch(()); }>
                    <FormMessage error=held_error />
                    <BoundField id="held-minutes" field="held_minutes" label="Thời gian sinh hoạt thực tế (phút)" error=held_error value=held_minutes />
                    <button type="submit">"Ghi nhận đã sinh hoạt"</button>
                    {move || held.value().get().and_then(|r| r.ok()).map(|done| view! { <p class="alert alert-success" role="status">{saved_text(&done, "thời gian sinh hoạt")}</p> })}
                </form>
            })}
        </section>
    }
}

/// The secretary's scoring, or (with `review`) the committee's adjustments and approval.
#[component]
fn ScoreForm(detail: MeetingDetail, version: RwSignal<u32>, review: bool, member_id: i64) -> impl IntoView {
    let id = detail.summary.id;
    let approved = detail.summary.status == "approved";
    let initial: HashMap<i64, String> = detail
        .scores
        .iter()
        .map(|s| (s.criterion_id, points_text(s.tenths.or(s.auto_tenths).unwrap_or(0))))
        .collect();
    let typed = RwSignal::new(initial);
    let reasons = RwSignal::new(HashMap::<i64, String>::new());
    let local_error = RwSignal::new(None::<AppError>);
    let scores = detail.scores.clone();
    let label = format!("Chấm điểm sinh hoạt: {}", detail.summary.topic);
    let submit = browser_action(move |approve: &bool| {
        let label = label.clone();
        let approve = *approve;
        let typed = typed.get_untracked();
        let reasons = reasons.get_untracked();
        let scores = scores.clone();
        async move {
            let mut list = Vec::new();
            for s in &scores {
                let text = typed.get(&s.criterion_id).cloned().unwrap_or_default();
                let Some(tenths) = parse_points(&text) else {
                    return Err(AppError::invalid(&format!("c{}", s.criterion_id), "Điểm là số, tối đa một chữ số thập phân (ví dụ 19,5)."));
                };
                if review && Some(tenths) == s.tenths {
                    continue;
                }
                list.push(super::CriterionScore { criterion_id: s.criterion_id, tenths, reason: reasons.get(&s.criterion_id).cloned().unwrap_or_default() });
            }
            // The committee's review needs the connection; the secretary's score can wait on the device.
            let r = if review {
                review_meeting(id, list, approve).await.map(QueueOutcome::Done)
            } else {
                let write = OfflineWrite::MeetingScore { meeting_id: id, scores: list.clone() };
                send_or_queue(Some(member_id), score_meeting(id, list), write, label).await
            };
            if matches!(r, Ok(QueueOutcome::Done(_))) {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let error = Signal::derive(move || local_error.get().or_else(|| crate::ui::ActionOutcome::last_error(&submit)));
    let total = move || {
        typed.read().values().map(|t| parse_points(t).unwrap_or(0)).sum::<i32>()
    };
    view! {
        <section class="card" data-testid=if review { "review" } else { "scoring" }>
            <h2>{if review { "Cấp ủy cấp trên duyệt kết quả" } else { "Chấm điểm chất lượng sinh hoạt" }}</h2>
            <p class="muted small">{detail.rubric_name.clone()}</p>
            {detail.scores.into_iter().map(|s| {
                let cid = s.criterion_id;
                view! {
                    <div class="criterion">
                        <label for=format!("{}-{cid}", if review { "rv" } else { "sc" })>{s.label.clone()} {format!(" (tối đa {})", points_text(s.max_tenths))}</label>
                        {s.auto_tenths.map(|a| view! { <span class="muted small">{format!("Gợi ý theo dữ liệu: {}", points_text(a))}</span> })}
                        <input id=format!("{}-{cid}", if review { "rv" } else { "sc" }) inputmode="decimal" disabled=approved
                            prop:value=move || typed.read().get(&cid).cloned().unwrap_or_default()
                            on:input=move |ev| { let v = event_target_value(&ev); typed.update(|t| { t.insert(cid, v); }); } />
                        {review.then(|| view! {
                            <input placeholder="Lý do điều chỉnh (nếu thay đổi điểm)" aria-label="Lý do điều chỉnh"
                                on:input=move |ev| { let v = event_target_value(&ev); reasons.update(|r| { r.insert(cid, v); }); } />
                        })}
                        {move || error.get().and_then(|e| e.field_message(&format!("c{cid}"))).map(|m| view! {
                            <p class="field-error" role="alert">{m}</p>
                        })}
                    </div>
                }
            }).collect_view()}
            <p class="lead" data-testid="score-total">{move || format!("Tổng: {} điểm", points_text(total()))}</p>
            <FormMessage error />
            {move || matches!(submit.value().get(), Some(Ok(QueueOutcome::Queued))).then(|| view! {
                <p class="alert alert-success" role="status">"Đã lưu điểm trên máy; sẽ gửi khi có mạng."</p>
            })}
            {(!approved).then(|| if review {
                view! { <button type="button" class="primary" on:click=move |_| { local_error.set(None); submit.dispatch(true); }>"Duyệt kết quả"</button> }.into_any()
            } else {
                view! { <button type="button" class="primary" on:click=move |_| { local_error.set(None); submit.dispatch(false); }>"Lưu điểm"</button> }.into_any()
            })}
        </section>
    }
}

#[component]
fn RatingForm(meeting_id: i64) -> impl IntoView {
    let stars = RwSignal::new(0i32);
    let comment = RwSignal::new(String::new());
    let send = Action::new(move |_: &()| async move { rate_meeting(meeting_id, stars.get_untracked(), comment.get_untracked()).await });
    let error = crate::ui::action_error(send);
    view! {
        <section class="card" data-testid="rating">
            <h2>"Đánh giá buổi sinh hoạt (ẩn danh)"</h2>
            <p class="muted small">"Không ai, kể cả bí thư và cấp trên, biết đánh giá này của đồng chí."</p>
            {move || if matches!(send.value().get(), Some(Ok(()))) {
                view! { <p class="alert alert-success" role="status">"Cảm ơn đồng chí đã đánh giá."</p> }.into_any()
            } else {
                view! {
                    <div class="stars" role="radiogroup" aria-label="Số sao">
                        {(1..=5).map(|n| view! {
                            <button type="button" class="tool" aria-pressed=move || (stars.get() == n).to_string() on:click=move |_| stars.set(n)>{format!("{n} ★")}</button>
                        }).collect_view()}
                    </div>
                    <label for="rating-comment">"Nhận xét (không bắt buộc)"</label>
                    <textarea id="rating-comment" rows="3" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    <FieldMessage error field="stars" />
                    <FormMessage error />
                    <button type="button" class="primary" on:click=move |_| { send.dispatch(()); }>"Gửi đánh giá"</button>
                }.into_any()
            }}
        </section>
    }
}

/// The anonymous ratings as the secretary and the committees above see them: no names.
#[component]
fn Ratings(summary: RatingSummary) -> impl IntoView {
    let r = summary;
    view! {
        <section class="card" data-testid="ratings">
            <h2>"Đảng viên đánh giá (ẩn danh)"</h2>
            <p>{match r.average_tenths {
                Some(avg) => format!("{} lượt, trung bình {},{} ★", r.count, avg / 10, avg % 10),
                None if r.withheld => format!(
                    "Đã có đánh giá, nhưng kết quả chỉ hiện khi có từ {} lượt trở lên, để không ai đoán được ai đánh giá thế nào.",
                    super::MIN_RATINGS_SHOWN
                ),
                None => "Chưa có đánh giá.".to_string(),
            }}</p>
            <ul>{r.comments.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
        </section>
    }
}

/// `/sinh-hoat/:id/bien-ban`: the minutes in the usual biên bản layout (printable), and for the
/// secretary the form that fills it.
#[component]
pub fn MinutesPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let view_data = Resource::new(id, super::get_minutes);
    view! {
        <Title text="Biên bản sinh hoạt chi bộ" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=view_data children=move |v| view! { <MinutesView v /> } />
        } />
    }
}

/// The minutes and their form; once saved they are loaded again and redrawn.
#[crate::ui::interactive]
fn MinutesView(v: super::MinutesView) -> impl IntoView {
    let id = v.summary.id;
    let (current, version) = crate::ui::reloaded(v, move || super::get_minutes(id));
    let save = ServerAction::<super::SaveMinutes>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            version.update(|v| *v += 1);
        }
    });
    move || view! { <Minutes v=current.get() save /> }
}

#[component]
fn Minutes(v: super::MinutesView, save: ServerAction<super::SaveMinutes>) -> impl IntoView {
    let error = action_error(save);
    let s = v.summary.clone();
    let id = s.id;
    let absent: Vec<&super::Absentee> = v.absentees.iter().collect();
    let excused: Vec<String> = absent.iter().filter(|a| a.excused).map(|a| if a.reason.is_empty() { a.full_name.clone() } else { format!("{} ({})", a.full_name, a.reason) }).collect();
    let unexcused: Vec<String> = absent.iter().filter(|a| !a.excused).map(|a| a.full_name.clone()).collect();
    let result = if s.total_tenths.is_some() { result_text(&s) } else { "chưa chấm điểm".to_string() };
    view! {
        <p class="muted no-print"><a href=format!("/sinh-hoat/{id}")>"‹ Buổi sinh hoạt"</a>
            " · " <button type="button" class="tool" onclick="window.print()">"In biên bản"</button></p>
        <article class="card minutes" data-testid="minutes">
            <header class="minutes-head">
                <div>{s.unit.name.clone()}</div>
                <div class="minutes-party"><strong>"ĐẢNG CỘNG SẢN VIỆT NAM"</strong></div>
            </header>
            <h1 class="minutes-title">"BIÊN BẢN"<br />{label_of(&KINDS, &s.kind).to_uppercase()}</h1>
            <p><strong>"Chủ đề: "</strong>{s.topic.clone()}</p>
            <p>"Thời gian: " {s.starts_at.clone()} {v.held_minutes.map(|m| format!(", kéo dài {m} phút"))} ". Địa điểm: " {v.place.clone()} "."</p>
            <p>"Chủ trì: " {v.chair.clone()} ". Thư ký: " {v.recorder.clone()} "."
                {(!v.guests.is_empty()).then(|| format!(" Khách mời: {}.", v.guests))}</p>
            <p data-testid="minutes-counts">{format!(
                "Tổng số đảng viên của chi bộ: {} (chính thức {}, dự bị {}; miễn sinh hoạt {}). Có mặt: {}. Vắng: {} (có lý do {}, không lý do {}).",
                v.total_members, v.official, v.probationary, v.exempt, v.attended, absent.len(), excused.len(), unexcused.len()
            )}</p>
            {(!excused.is_empty()).then(|| view! { <p>"Vắng có lý do: " {excused.join("; ")} "."</p> })}
            {(!unexcused.is_empty()).then(|| view! { <p>"Vắng không lý do: " {unexcused.join("; ")} "."</p> })}
            <h2>"Nội dung"</h2>
            <div class="agenda">{v.agenda.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
            <h2>"Ý kiến phát biểu"</h2>
            <ol data-testid="minutes-speakers">{v.speakers.iter().map(|sp| view! { <li><strong>{sp.name.clone()}</strong> ": " {sp.gist.clone()}</li> }).collect_view()}</ol>
            <h2>"Kết luận của chủ trì"</h2>
            <p>{v.conclusion.clone()}</p>
            {(!v.votes.is_empty()).then(|| view! {
                <h2>"Biểu quyết"</h2>
                <table class="report-table" data-testid="minutes-votes">
                    <thead><tr><th>"Nội dung"</th><th>"Tán thành"</th><th>"Không tán thành"</th><th>"Không ý kiến"</th></tr></thead>
                    <tbody>{v.votes.iter().map(|vote| view! {
                        <tr><td>{vote.question.clone()}</td><td>{vote.agree}</td><td>{vote.disagree}</td><td>{vote.abstain}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            })}
            <p>"Xếp loại chất lượng buổi sinh hoạt: " {result}</p>
            <p data-testid="minutes-approved">{match &v.approved_at {
                Some(at) => format!("Biên bản đã được đọc lại và thông qua trước khi kết thúc buổi sinh hoạt ({at})."),
                None => "Biên bản chưa được thông qua.".to_string(),
            }}</p>
            <div class="signatures"><div>"THƯ KÝ"<br /><br /><br />{v.recorder.clone()}</div><div>"CHỦ TRÌ"<br /><br /><br />{v.chair.clone()}</div></div>
        </article>
        {v.can_edit.then(|| view! {
            <section class="card no-print">
                <h2>"Ghi biên bản"</h2>
                <ActionForm action=save attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="form[meeting_id]" value=id />
                    <FormMessage error />
                    <Field id="mn-chair" name="form[chair]" field="chair" label="Chủ trì" error value=v.chair.clone() />
                    <Field id="mn-recorder" name="form[recorder]" field="recorder" label="Thư ký" error value=v.recorder.clone() />
                    <Field id="mn-guests" name="form[guests]" field="guests" label="Khách mời (nếu có)" error value=v.guests.clone() />
                    <Field id="mn-exempt" name="form[exempt]" field="exempt" label="Số đảng viên miễn sinh hoạt" error value=v.exempt.to_string() inputmode="numeric" />
                    <label for="mn-speakers">"Ý kiến phát biểu (mỗi dòng: Họ tên: nội dung)"</label>
                    <textarea id="mn-speakers" name="form[speakers]" rows="6">{v.speakers_text.clone()}</textarea>
                    <FieldMessage error field="speakers" />
                    <label for="mn-conclusion">"Kết luận của chủ trì"</label>
                    <textarea id="mn-conclusion" name="form[conclusion]" rows="4">{v.conclusion.clone()}</textarea>
                    <FieldMessage error field="conclusion" />
                    <label for="mn-votes">"Biểu quyết (mỗi dòng: Nội dung: tán thành/không tán thành/không ý kiến)"</label>
                    <textarea id="mn-votes" name="form[votes]" rows="3" placeholder="Thông qua nghị quyết tháng 12: 24/0/1">{v.votes_text.clone()}</textarea>
                    <FieldMessage error field="votes" />
                    <label class="choice"><input type="checkbox" name="form[approve]" value="true" checked=v.approved_at.is_some() />" Biên bản đã được đọc lại và thông qua tại buổi sinh hoạt"</label>
                    <button type="submit" class="primary">"Lưu biên bản"</button>
                    {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="alert alert-success" role="status">"Đã lưu biên bản."</p> })}
                </ActionForm>
            </section>
        })}
    }
}

/// `/sinh-hoat/:id/ma-qr`: the secretary's screen with a QR code that changes after every use
/// and every few seconds.
#[component]
pub fn QrScreenPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    view! {
        <Title text="Mã QR điểm danh" />
        <WithUser children=move |_user: SessionUser| view! {
            <section class="card qr-screen">
                <p class="muted"><a href=format!("/sinh-hoat/{id}")>"‹ Buổi sinh hoạt"</a></p>
                <h1>"Quét mã để điểm danh"</h1>
                <p class="muted">"Mỗi mã chỉ dùng cho một đồng chí và đổi sau vài giây."</p>
                <QrCode id />
            </section>
        } />
    }
}

/// The code itself, made anew every few seconds, and how many are present.
#[crate::ui::interactive]
fn QrCode(id: i64) -> impl IntoView {
    let (qr, set_qr) = signal(None::<Result<super::QrCodeView, AppError>>);
    Effect::new(move |_| {
        let refresh = move || {
            let origin = window().location().origin().unwrap_or_default();
            leptos::task::spawn_local(async move {
                set_qr.set(Some(super::current_qr(id, origin).await));
            });
        };
        refresh();
        let handle = set_interval_with_handle(refresh, std::time::Duration::from_secs(3));
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    move || match qr.get() {
        None => view! { <p class="loading">"Đang tạo mã…"</p> }.into_any(),
        Some(Ok(q)) => view! {
            <div class="qr" data-testid="qr" data-url=q.url.clone() inner_html=q.svg.clone()></div>
            <p class="lead" data-testid="qr-present">{format!("Đã có mặt: {} đồng chí", q.present)}</p>
        }.into_any(),
        Some(Err(error)) => view! { <ErrorBox error /> }.into_any(),
    }
}

/// `/sinh-hoat/:id/co-mat?ma=…`: where a scanned code lands. Opening it changes nothing; the
/// member taps "Xác nhận có mặt" (a POST), so a link or a prefetch never checks anyone in.
#[component]
pub fn CheckInPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let status = Resource::new(id, super::check_in_status);
    view! {
        <Title text="Điểm danh" />
        <WithUser children=move |_user: SessionUser| view! {
            <section class="card narrow" data-testid="check-in">
                <h1>"Điểm danh"</h1>
                <Loaded resource=status children={move |earlier: Option<CheckInResult>| {
                    let code = query.read_untracked().get("ma").unwrap_or_default();
                    view! { <CheckIn meeting=id() code earlier /> }
                }} />
                <p><a href=move || format!("/sinh-hoat/{}", id())>"Xem buổi sinh hoạt"</a></p>
            </section>
        } />
    }
}

/// "Xác nhận có mặt" with the scanned code, or when the member was checked in.
#[crate::ui::interactive]
fn CheckIn(meeting: i64, code: String, earlier: Option<CheckInResult>) -> impl IntoView {
    let confirm = Action::new(move |_: &()| super::check_in(meeting, code.clone()));
    let checked = move |r: &CheckInResult| {
        view! {
            <p class="alert alert-success" role="status">
                {format!("Đồng chí đã điểm danh{} lúc {}.", if r.late { " (đến muộn)" } else { "" }, r.checked_at)}
            </p>
            <p>{r.topic.clone()}</p>
        }
    };
    move || match (earlier.clone(), confirm.value().get()) {
        (_, Some(Ok(r))) | (Some(r), _) => checked(&r).into_any(),
        (None, outcome) => view! {
            {outcome.and_then(|r| r.err()).map(|error| view! { <ErrorBox error /> })}
            <button type="button" class="primary" on:click=move |_| { confirm.dispatch(()); }>"Xác nhận có mặt"</button>
        }.into_any(),
    }
}

/// The meeting's documents, and for the secretary a picker from the library to post one (posting
/// at least a day ahead is part of the preparation score).
#[component]
fn MeetingDocuments(detail: MeetingDetail, version: RwSignal<u32>) -> impl IntoView {
    let id = detail.summary.id;
    let can_post = detail.can_manage && detail.summary.status != "approved";
    let chosen = RwSignal::new(String::new());
    let post = Action::new(move |_: &()| {
        let doc = chosen.get_untracked().parse::<i64>().unwrap_or(0);
        async move {
            let r = super::attach_meeting_document(id, doc).await;
            if r.is_ok() {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let error = crate::ui::action_error(post);
    view! {
        <h2>"Tài liệu sinh hoạt"</h2>
        {if detail.documents.is_empty() {
            view! { <p class="muted">"Chưa đăng tài liệu nào."</p> }.into_any()
        } else {
            view! {
                <ul data-testid="meeting-documents">
                    {detail.documents.into_iter().map(|d| view! {
                        <li>
                            <a href=format!("/tai-lieu/{}", d.document_id)>{d.title}</a>
                            <span class="muted">{format!(" · đăng lúc {}{}", d.posted_at, if d.early { "" } else { " (chưa đủ 1 ngày trước buổi sinh hoạt)" })}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {can_post.then(|| view! {
            <div class="inline-form">
                <label for="mt-doc" class="sr-only">"Chọn tài liệu"</label>
                <select id="mt-doc" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"— Chọn tài liệu trong thư viện —"</option>
                    {detail.postable.into_iter().map(|(id, title)| view! { <option value=id>{title}</option> }).collect_view()}
                </select>
                <button type="button" on:click=move |_| { post.dispatch(()); }>"Đăng tài liệu"</button>
            </div>
            <FormMessage error />
        })}
    }
}
