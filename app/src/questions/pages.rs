//! `/hoi-dap` (ask, and my questions), `/hoi-dap/:id` (one question with its history and the
//! handler's actions), `/hoi-dap/tiep-nhan` (the committee's inbox).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    ANONYMITY, AskForm, Forward, KINDS, QuestionDetail, QuestionSummary, STATUSES, TOPICS, answer_question, ask_question, close_question,
    forward_question, get_question, merge_question, publish_faq, question_inbox, question_report, questions_home, rate_answer, search_faq, take_question,
};
use crate::auth::SessionUser;
use crate::common::label_of;
use crate::error::AppError;
use crate::ui::{FieldMessage, FormMessage, Loaded, WithUser, navigate_on_success};

#[component]
fn QuestionRows(items: Vec<QuestionSummary>, #[prop(optional)] with_asker: bool) -> impl IntoView {
    view! {
        <ul class="question-list">
            {items.into_iter().map(|q| view! {
                <li class:overdue=q.overdue>
                    <a href=format!("/hoi-dap/{}", q.id)>{q.title}</a>
                    <span class="muted small">
                        " · " {label_of(&KINDS, &q.kind)} " · " {q.topic} " · gửi " {q.unit.name} " · " {q.created_at}
                        {with_asker.then(|| format!(" · {}", q.asker.clone().unwrap_or_else(|| "Người hỏi ẩn danh".into())))}
                    </span>
                    <br />
                    <span class=format!("state question-{}", q.status)>{label_of(&STATUSES, &q.status)}</span>
                    {q.overdue.then(|| view! { <span class="state state-overdue">{format!(" Quá hạn trả lời ({})", q.due_on)}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// `/hoi-dap`: the ask form and the member's own questions.
#[component]
pub fn AskPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| questions_home());
    view! {
        <Title text="Hỏi đáp, kiến nghị" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=|d: super::AskPageData| view! {
                <AskFormCard recipients=d.recipients.clone() />
                <section class="card" data-testid="my-questions">
                    <h2>"Câu hỏi, kiến nghị của tôi"</h2>
                    {if d.mine.is_empty() {
                        view! { <p class="muted">"Đồng chí chưa gửi câu hỏi nào."</p> }.into_any()
                    } else {
                        view! { <QuestionRows items=d.mine.clone() /> }.into_any()
                    }}
                </section>
            } />
        } />
    }
}

#[crate::ui::interactive]
fn AskFormCard(recipients: Vec<crate::units::UnitRef>) -> impl IntoView {
    let first_above = recipients.get(1).or(recipients.first()).map_or(0, |u| u.id);
    let unit = RwSignal::new(first_above.to_string());
    let kind = RwSignal::new("question".to_string());
    let topic = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let anonymity = RwSignal::new("named".to_string());
    // Made once per form on the device, so pressing Send twice files one question.
    let client_id = StoredValue::new(None::<String>);
    let send = Action::new(move |_: &()| {
        // A fresh random id, not an empty one: clippy's "use unwrap_or_default" would send "".
        #[allow(clippy::unwrap_or_default)]
        let id = client_id.get_value().unwrap_or_else(crate::common::client_id::new);
        client_id.set_value(Some(id.clone()));
        let form = AskForm {
            client_id: id,
            unit_id: unit.get_untracked().parse().unwrap_or(0),
            kind: kind.get_untracked(),
            topic: topic.get_untracked(),
            title: title.get_untracked(),
            body: body.get_untracked(),
            anonymity: anonymity.get_untracked(),
        };
        async move { ask_question(form).await }
    });
    navigate_on_success(send, |id| format!("/hoi-dap/{id}"));
    let error = crate::ui::action_error(send);
    view! {
        <section class="card" data-testid="ask">
            <h1>"Hỏi đáp, kiến nghị"</h1>
            <p><a href="/hoi-dap/chung">"Xem hỏi đáp chung (các câu đã được trả lời công khai)"</a></p>
            <p class="muted">{format!("Cấp ủy trả lời trong {} ngày. Đồng chí được báo khi có trả lời.", super::DAYS_TO_ANSWER)}</p>
            <div class="field">
                <label for="q-unit">"Gửi đến"</label>
                <select id="q-unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                    {recipients.into_iter().map(|u| {
                        let selected = u.id == first_above;
                        view! { <option value=u.id selected=selected>{u.name}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage error field="unit_id" />
            </div>
            <div class="field">
                <label for="q-kind">"Loại"</label>
                <select id="q-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    {KINDS.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="q-topic">"Lĩnh vực"</label>
                <select id="q-topic" on:change=move |ev| topic.set(event_target_value(&ev))>
                    <option value="">"— Chọn lĩnh vực —"</option>
                    {TOPICS.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                </select>
                <FieldMessage error field="topic" />
            </div>
            <div class="field">
                <label for="q-title">"Tiêu đề"</label>
                <input id="q-title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                <FieldMessage error field="title" />
            </div>
            <div class="field">
                <label for="q-body">"Nội dung"</label>
                <textarea id="q-body" rows="5" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <FieldMessage error field="body" />
            </div>
            <fieldset class="field" data-testid="anonymity">
                <legend>"Ai được biết tên người hỏi?"</legend>
                {ANONYMITY.iter().map(|(code, label, _)| {
                    let code = *code;
                    view! {
                        <label class="inline">
                            <input type="radio" name="anonymity" value=code prop:checked=move || anonymity.get() == code on:change=move |_| anonymity.set(code.to_string()) />
                            {*label}
                        </label>
                    }
                }).collect_view()}
                <p class="alert alert-info" data-testid="who-sees-name">
                    {move || ANONYMITY.iter().find(|(c, _, _)| *c == anonymity.get()).map(|(_, _, w)| *w).unwrap_or_default()}
                </p>
            </fieldset>
            <FormMessage error />
            <button type="button" class="primary" on:click=move |_| { send.dispatch(()); }>"Gửi"</button>
        </section>
    }
}

/// `/hoi-dap/:id`.
#[component]
pub fn QuestionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(id, get_question);
    view! {
        <Title text="Câu hỏi, kiến nghị" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=detail children=move |d| view! { <QuestionView detail=d /> } />
        } />
    }
}

/// The question with the handler's and the asker's actions; loaded again after each.
#[crate::ui::interactive]
fn QuestionView(detail: QuestionDetail) -> impl IntoView {
    let id = detail.summary.id;
    let (current, version) = crate::ui::reloaded(detail, move || get_question(id));
    move || view! { <Question detail=current.get() version /> }
}

/// Runs a question action and refreshes the page's data when it succeeds.
fn refreshing<T: Send + Sync + 'static, F>(version: RwSignal<u32>, run: impl Fn(&T) -> F + Send + Sync + 'static) -> Action<T, Result<(), AppError>>
where
    F: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
{
    Action::new(move |input: &T| {
        let fut = run(input);
        async move {
            let r = fut.await;
            if r.is_ok() {
                version.update(|v| *v += 1);
            }
            r
        }
    })
}

fn direction_value(direction: Forward) -> &'static str {
    match direction {
        Forward::Up => "up",
        Forward::Down => "down",
        Forward::ToCell => "cell",
    }
}

fn direction_of(value: &str) -> Option<Forward> {
    [Forward::Up, Forward::Down, Forward::ToCell].into_iter().find(|d| direction_value(*d) == value)
}

#[component]
fn Question(detail: QuestionDetail, version: RwSignal<u32>) -> impl IntoView {
    let d = detail;
    let id = d.summary.id;
    let status = d.summary.status.clone();
    let open = matches!(status.as_str(), "received" | "assigned");
    let answer_text = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let target = RwSignal::new(d.forward_choices.first().map(|c| c.direction));
    let stars = RwSignal::new(d.rating.unwrap_or(0));
    let comment = RwSignal::new(d.rating_comment.clone());
    let take = refreshing(version, move |_: &()| take_question(id));
    let answer = refreshing(version, move |_: &()| answer_question(id, answer_text.get_untracked()));
    let forward = refreshing(version, move |_: &()| forward_question(id, target.get_untracked().unwrap_or(Forward::Up), note.get_untracked()));
    let close = refreshing(version, move |_: &()| close_question(id, note.get_untracked()));
    let rate = refreshing(version, move |_: &()| rate_answer(id, stars.get_untracked(), comment.get_untracked()));
    let merge_into = RwSignal::new(String::new());
    let merge = refreshing(version, move |_: &()| merge_question(id, merge_into.get_untracked().trim().trim_start_matches('#').parse().unwrap_or(0)));
    let error = Signal::derive(move || {
        [take.value().get(), answer.value().get(), forward.value().get(), close.value().get(), rate.value().get(), merge.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| r.err())
    });
    let asker = d.summary.asker.clone().unwrap_or_else(|| "Người hỏi ẩn danh".into());
    view! {
        <section class="card" data-testid="question">
            <p class="muted"><a href=if d.is_asker { "/hoi-dap" } else { "/hoi-dap/tiep-nhan" }>"‹ Hỏi đáp, kiến nghị"</a></p>
            <h1>{d.summary.title.clone()}</h1>
            <dl class="facts">
                <dt>"Số"</dt><dd data-testid="question-number">{d.summary.id}</dd>
                <dt>"Loại"</dt><dd>{label_of(&KINDS, &d.summary.kind)} " · " {d.summary.topic.clone()}</dd>
                <dt>"Người hỏi"</dt><dd data-testid="asker">{asker}</dd>
                <dt>"Gửi đến"</dt><dd data-testid="holder">{d.summary.unit.name.clone()}</dd>
                <dt>"Tình trạng"</dt><dd data-testid="question-status">{label_of(&STATUSES, &status)}</dd>
                <dt>"Hạn trả lời"</dt><dd>{d.summary.due_on.clone()} {d.summary.overdue.then_some(" (quá hạn)")}</dd>
                {d.assignee.clone().map(|a| view! { <dt>"Người xử lý"</dt><dd>{a}</dd> })}
            </dl>
            <p class="muted small" data-testid="who-sees">{d.who_sees_name.clone()}</p>
            <div class="question-body">{d.body.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
        </section>
        {(!d.answer.is_empty()).then(|| view! {
            <section class="card" data-testid="answer">
                <h2>"Trả lời"</h2>
                <div>{d.answer.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
                <p class="muted small">{d.answered_by.clone().unwrap_or_default()} " · " {d.answered_at.clone().unwrap_or_default()}</p>
                {d.rating.map(|r| view! { <p data-testid="rating">{format!("Người hỏi đánh giá: {r}/5 ★")}</p> })}
            </section>
        })}
        {d.merged_into.map(|target| view! {
            <section class="card" data-testid="merged">
                <h2>"Đã gộp với câu hỏi cùng nội dung"</h2>
                <p class="muted">{format!("Câu hỏi này trùng với câu hỏi số {target} và được trả lời chung.")}</p>
                {match d.merged_answer.clone() {
                    Some(a) => view! { <div>{a.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div> }.into_any(),
                    None => view! { <p>"Câu trả lời chung chưa có; đồng chí sẽ được báo khi có."</p> }.into_any(),
                }}
            </section>
        })}
        {(d.can_handle && open).then(|| view! {
            <section class="card" data-testid="handle">
                <h2>"Xử lý"</h2>
                {(status == "received").then(|| view! {
                    <button type="button" on:click=move |_| { take.dispatch(()); }>"Nhận xử lý"</button>
                })}
                <div class="field">
                    <label for="q-answer">"Nội dung trả lời"</label>
                    <textarea id="q-answer" rows="5" prop:value=move || answer_text.get() on:input=move |ev| answer_text.set(event_target_value(&ev))></textarea>
                    <FieldMessage error field="answer" />
                </div>
                <button type="button" class="primary" on:click=move |_| { answer.dispatch(()); }>"Gửi trả lời"</button>
                {(!d.forward_choices.is_empty()).then(|| view! {
                    <div class="inline-form">
                        <label for="q-forward">"Chuyển đến"</label>
                        <select id="q-forward" on:change=move |ev| target.set(direction_of(&event_target_value(&ev)))>
                            {d.forward_choices.clone().into_iter().map(|c| view! { <option value=direction_value(c.direction)>{c.label}</option> }).collect_view()}
                        </select>
                        <button type="button" on:click=move |_| { forward.dispatch(()); }>"Chuyển"</button>
                    </div>
                })}
                <div class="field">
                    <label for="q-note">"Ghi chú (lý do chuyển hoặc đóng)"</label>
                    <input id="q-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    <FieldMessage error field="note" />
                </div>
                <button type="button" on:click=move |_| { close.dispatch(()); }>"Đóng câu hỏi"</button>
                <div class="inline-form">
                    <label for="q-merge">"Trùng nội dung với câu hỏi số"</label>
                    <input id="q-merge" inputmode="numeric" class="points" prop:value=move || merge_into.get() on:input=move |ev| merge_into.set(event_target_value(&ev)) />
                    <button type="button" on:click=move |_| { merge.dispatch(()); }>"Gộp"</button>
                </div>
                <FieldMessage error field="into" />
                <FormMessage error />
            </section>
        })}
        {(d.is_asker && !d.answer.is_empty()).then(|| view! {
            <section class="card" data-testid="rate">
                <h2>"Đánh giá câu trả lời"</h2>
                <div class="stars">
                    {(1..=5).map(|n| view! {
                        <button type="button" class:chosen=move || stars.get() == n on:click=move |_| stars.set(n)>{format!("{n} ★")}</button>
                    }).collect_view()}
                </div>
                <label for="q-comment">"Nhận xét"</label>
                <input id="q-comment" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev)) />
                <FormMessage error />
                <button type="button" class="primary" on:click=move |_| { rate.dispatch(()); }>"Gửi đánh giá"</button>
            </section>
        })}
        {(d.can_handle && !d.answer.is_empty()).then(|| view! { <PublishFaq detail=d.clone() version /> })}
        <section class="card" data-testid="history">
            <h2>"Quá trình xử lý"</h2>
            <ol>
                {d.history.into_iter().map(|e| view! {
                    <li>
                        {e.at} " · " {e.action}
                        {e.actor.map(|a| format!(" · {a}"))}
                        {e.unit.map(|u| format!(" · {u}"))}
                        {(!e.note.is_empty()).then(|| format!(" · {}", e.note))}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// `/hoi-dap/tiep-nhan?tt=open|answered|closed|all`: questions held by the units this user
/// answers for.
#[component]
pub fn QuestionInboxPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("tt");
    let inbox = Resource::new(status, question_inbox);
    view! {
        <Title text="Tiếp nhận câu hỏi, kiến nghị" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=inbox children=|i: super::QuestionInboxView| view! {
                <section class="card" data-testid="question-inbox">
                    <h1>"Tiếp nhận câu hỏi, kiến nghị"</h1>
                    <p class="muted">{i.units.iter().map(|u| u.name.clone()).collect::<Vec<_>>().join(", ")}</p>
                    <p data-testid="inbox-counts">{format!("{} đang chờ trả lời, {} quá hạn", i.open, i.overdue)}</p>
                    <p><a href="/hoi-dap/bao-cao">"Báo cáo hỏi đáp, kiến nghị"</a></p>
                    <p class="tabs">
                        <a href="/hoi-dap/tiep-nhan">"Đang chờ"</a> " · "
                        <a href="/hoi-dap/tiep-nhan?tt=answered">"Đã trả lời"</a> " · "
                        <a href="/hoi-dap/tiep-nhan?tt=closed">"Đã đóng"</a> " · "
                        <a href="/hoi-dap/tiep-nhan?tt=all">"Tất cả"</a>
                    </p>
                    {if i.items.is_empty() {
                        view! { <p class="muted">"Không có câu hỏi nào."</p> }.into_any()
                    } else {
                        view! { <QuestionRows items=i.items.clone() with_asker=true /> }.into_any()
                    }}
                </section>
            } />
        } />
    }
}

/// For the handler of an answered question: publish it to the unit's FAQ, edited so it names
/// nobody.
#[component]
fn PublishFaq(detail: QuestionDetail, version: RwSignal<u32>) -> impl IntoView {
    let id = detail.summary.id;
    let question = RwSignal::new(detail.body.clone());
    let answer = RwSignal::new(detail.answer.clone());
    let publish = Action::new(move |_: &()| {
        let (q, a) = (question.get_untracked(), answer.get_untracked());
        async move {
            let r = publish_faq(id, q, a).await;
            if r.is_ok() {
                version.update(|v| *v += 1);
            }
            r.map(|_| ())
        }
    });
    let error = crate::ui::action_error(publish);
    view! {
        <section class="card" data-testid="publish-faq">
            <h2>"Hỏi đáp chung của đơn vị"</h2>
            {detail.faq_id.map(|_| view! { <p class="alert alert-success" role="status">"Đã đăng lên hỏi đáp chung."</p> })}
            <p class="muted small">"Sửa lại cho gọn và bỏ mọi chi tiết có thể cho biết người hỏi; hỏi đáp chung không ghi tên ai."</p>
            <div class="field">
                <label for="faq-question">"Câu hỏi (đăng công khai)"</label>
                <textarea id="faq-question" rows="3" prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev))></textarea>
                <FieldMessage error field="faq_question" />
            </div>
            <div class="field">
                <label for="faq-answer">"Trả lời (đăng công khai)"</label>
                <textarea id="faq-answer" rows="4" prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                <FieldMessage error field="faq_answer" />
            </div>
            <FormMessage error />
            <button type="button" on:click=move |_| { publish.dispatch(()); }>
                {if detail.faq_id.is_some() { "Cập nhật trên hỏi đáp chung" } else { "Đăng lên hỏi đáp chung" }}
            </button>
        </section>
    }
}

/// `/hoi-dap/chung?q=`: the FAQ of the member's cell and the units above it, searchable
/// without diacritics.
#[component]
pub fn FaqPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let hits = Resource::new(q, search_faq);
    view! {
        <Title text="Hỏi đáp chung" />
        <WithUser children=move |_user: SessionUser| view! {
            <section class="card" data-testid="faq">
                <h1>"Hỏi đáp chung"</h1>
                <form method="get" action="/hoi-dap/chung" class="inline-form" role="search">
                    <label for="faq-q" class="sr-only">"Tìm trong hỏi đáp"</label>
                    <input id="faq-q" name="q" type="search" placeholder="Ví dụ: dang phi huu tri" value=q() />
                    <button type="submit" class="button">"Tìm"</button>
                </form>
                <Loaded resource=hits children={move |list: Vec<super::FaqHit>| {
                    if list.is_empty() {
                        view! { <p class="muted">"Không có câu hỏi nào phù hợp."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="faq-list">
                                {list.into_iter().map(|h| view! {
                                    <li>
                                        <p class="faq-question"><strong>{h.question}</strong></p>
                                        <p>{h.answer}</p>
                                        <p class="muted small">{h.unit.name} " · " {h.topic} " · " {h.published_at}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }} />
            </section>
        } />
    }
}

/// `/hoi-dap/bao-cao?don-vi=&ky=`: questions received, answered, overdue, the median answer time
/// and satisfaction, per child unit, with charts by topic and by stars.
#[component]
pub fn QuestionReportPage() -> impl IntoView {
    let query = use_query_map();
    let unit = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok());
    let period = move || query.read().get("ky");
    let report = Resource::new(move || (unit(), period()), |(u, p)| question_report(u, p));
    view! {
        <Title text="Báo cáo hỏi đáp, kiến nghị" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=report children=move |r: super::QuestionReportView| {
                let t = r.totals.clone();
                let hours = t.median_answer_hours.map_or("—".to_string(), |h| if h < 48 { format!("{h} giờ") } else { format!("{} ngày", h / 24) });
                let satisfaction = (t.rated > 0).then(|| t.star_sum * 10 / t.rated).map_or("—".to_string(), |v| format!("{} ★ ({} lượt)", crate::common::tenths_text(v as i32), t.rated));
                let ky = r.period_code.clone();
                let star_bars: Vec<(String, i64)> = r.stars.iter().enumerate().map(|(i, n)| (format!("{} ★", i + 1), *n)).collect();
                view! {
                    <section class="card" data-testid="question-report">
                        <h1>"Báo cáo hỏi đáp, kiến nghị"</h1>
                        <p class="lead" data-testid="qr-scope">{r.unit.name.clone()} " · " {r.period_label.clone()}</p>
                        <dl class="figures">
                            <div><dt>"Đã nhận"</dt><dd data-testid="qr-received">{t.received}</dd></div>
                            <div><dt>"Đã trả lời"</dt><dd data-testid="qr-answered">{t.answered}</dd></div>
                            <div><dt>"Đang chờ"</dt><dd>{t.open}</dd><dd class="muted">{format!("{} quá hạn", t.overdue)}</dd></div>
                            <div><dt>"Thời gian trả lời (trung vị)"</dt><dd data-testid="qr-median">{hours}</dd></div>
                            <div><dt>"Mức hài lòng"</dt><dd data-testid="qr-satisfaction">{satisfaction}</dd></div>
                        </dl>
                        <p class="downloads">"Tải báo cáo: "
                            <a href=format!("/api/v1/questions-report.xlsx?unit={}&ky={}", r.unit.id, r.period_code) download>"Excel (XLSX)"</a>
                            " · "
                            <a href=format!("/api/v1/questions-report.csv?unit={}&ky={}", r.unit.id, r.period_code) download>"CSV"</a>
                        </p>
                        <div class="charts">
                            <crate::ui::charts::BarChart title="Theo lĩnh vực".to_string() bars=r.topics.clone() testid="qr-topics" />
                            <crate::ui::charts::BarChart title="Người hỏi chấm câu trả lời".to_string() bars=star_bars testid="qr-stars" />
                        </div>
                    </section>
                    {(!r.rows.is_empty()).then(|| view! {
                        <section class="card">
                            <h2>"Theo đơn vị trực thuộc"</h2>
                            <div class="table-scroll">
                                <table class="report-table">
                                    <thead><tr><th>"Đơn vị"</th><th>"Đã nhận"</th><th>"Đã trả lời"</th><th>"Quá hạn"</th><th>"Trung vị (giờ)"</th></tr></thead>
                                    <tbody>
                                        {r.rows.clone().into_iter().map(|(u, s)| view! {
                                            <tr>
                                                <td><a href=format!("/hoi-dap/bao-cao?don-vi={}&ky={}", u.id, ky)>{u.name}</a></td>
                                                <td>{s.received}</td><td>{s.answered}</td><td>{s.overdue}</td>
                                                <td>{s.median_answer_hours.map_or("—".to_string(), |h| h.to_string())}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </section>
                    })}
                }.into_any()
            } />
        } />
    }
}
