//! Reading progress in the reader, "Tài liệu cần đọc", and the reading report.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    ConfirmRead, MAX_BATCH, MAX_EVENT_SECONDS, ProgressEvent, QuizResult, QuizView, ReadingProgress, ReadingReport,
    ReportCounts, get_quiz, get_reading_report, get_required_reading, my_progress, record_progress, submit_quiz,
};
use crate::auth::SessionUser;
use crate::error::AppError;
use crate::ui::{FormMessage, Loaded, WithUser, action_error, date_text};

/// Seconds between looks at which sections are on screen, and between sends.
const TICK_SECONDS: u64 = 1;
const FLUSH_EVERY_TICKS: u32 = 5;

/// What the browser has measured but the server has not yet acknowledged.
#[derive(Default)]
struct Tracker {
    pending: HashMap<i64, i32>,
    unsent: Vec<ProgressEvent>,
    sending: bool,
    ticks: u32,
    /// Seconds per section that left this page since it opened — counted by the server or kept
    /// in the device's queue. With the progress the page opened with, what the reader shows
    /// while offline.
    left_page: HashMap<i64, i64>,
    /// The server's progress when the page opened, with its per-section seconds.
    opened_with: Option<ReadingProgress>,
}

impl Tracker {
    /// Turns the seconds counted since the last send into events (at most a minute each).
    fn seal(&mut self, document_id: i64) {
        let pending: Vec<(i64, i32)> = self.pending.drain().collect();
        for (section_id, mut seconds) in pending {
            while seconds > 0 {
                let chunk = seconds.min(MAX_EVENT_SECONDS);
                self.unsent.push(ProgressEvent { client_id: crate::common::client_id::new(), document_id, section_id, seconds: chunk });
                seconds -= chunk;
            }
        }
    }

    /// Drops events that have left the page (sent or queued), remembering their seconds.
    fn settle(&mut self, gone: &[ProgressEvent]) {
        let ids: std::collections::HashSet<&str> = gone.iter().map(|e| e.client_id.as_str()).collect();
        self.unsent.retain(|e| !ids.contains(e.client_id.as_str()));
        for e in gone {
            *self.left_page.entry(e.section_id).or_default() += i64::from(e.seconds);
        }
    }

    /// The progress by the server's rule over what the device knows, sent or not.
    fn estimate(&self) -> Option<ReadingProgress> {
        let mut known = self.left_page.clone();
        for e in &self.unsent {
            *known.entry(e.section_id).or_default() += i64::from(e.seconds);
        }
        self.opened_with.as_ref().map(|p| p.with_unsent(&known))
    }
}

/// Offline, reading time goes to the device's queue about once a minute (and when the page is
/// hidden or left, or before a confirmation), not on every send: one entry per minute read.
const QUEUE_EVERY_TICKS: u32 = 60;

/// One reader on one document: the tracker, shared by the ticking timer and the confirm button.
#[derive(Clone)]
struct ReaderState {
    document_id: i64,
    title: String,
    member_id: Option<i64>,
    tracker: Rc<RefCell<Tracker>>,
    set_progress: WriteSignal<Option<ReadingProgress>>,
}

/// Ids of the document sections currently inside the viewport.
fn sections_on_screen() -> Vec<i64> {
    let Some(list) = document().query_selector_all("section[data-section-id]").ok() else { return Vec::new() };
    let height = window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<leptos::web_sys::Element>().ok())
        .filter(|el| {
            let rect = el.get_bounding_client_rect();
            rect.bottom() > 0.0 && rect.top() < height
        })
        .filter_map(|el| el.get_attribute("data-section-id")?.parse().ok())
        .collect()
}

fn browser_online() -> bool {
    window().navigator().on_line()
}

impl ReaderState {
    /// Sends what was measured; without a connection it goes to the device's queue instead.
    /// `leaving`: the page is being hidden or closed, so nothing may wait in memory.
    fn flush(&self, leaving: bool) {
        let online = browser_online();
        let batch = {
            let mut t = self.tracker.borrow_mut();
            t.seal(self.document_id);
            if t.sending || t.unsent.is_empty() {
                return;
            }
            if !online && !leaving && !t.ticks.is_multiple_of(QUEUE_EVERY_TICKS) {
                let estimate = t.estimate();
                drop(t);
                if estimate.is_some() {
                    self.set_progress.set(estimate);
                }
                return;
            }
            t.sending = true;
            // The server takes at most MAX_BATCH events a time (a tall screen makes more).
            t.unsent.iter().take(MAX_BATCH).cloned().collect::<Vec<_>>()
        };
        let reader = self.clone();
        leptos::task::spawn_local(async move {
            let result = if online { record_progress(batch.clone()).await } else { Err(AppError::Network) };
            match result {
                Ok(progress) => {
                    reader.tracker.borrow_mut().settle(&batch);
                    if let Some(p) = progress.into_iter().find(|p| p.document_id == reader.document_id) {
                        reader.set_progress.set(Some(p));
                    }
                }
                Err(AppError::Network) => reader.queue(batch).await,
                Err(_) => {} // kept with the same ids: the next send retries safely
            }
            reader.tracker.borrow_mut().sending = false;
        });
    }

    /// Keeps events in the device's queue (as many writes as the server's batch limit needs)
    /// and shows the progress they make.
    async fn queue(&self, events: Vec<ProgressEvent>) {
        for chunk in events.chunks(MAX_BATCH) {
            let seconds: i32 = chunk.iter().map(|e| e.seconds).sum();
            let label = format!("Thời gian đọc {}: {}", minutes(i64::from(seconds)), self.title);
            let write = crate::offline::OfflineWrite::ReadingProgress { events: chunk.to_vec() };
            if !crate::offline::queue_write(self.member_id, write, label).await {
                return; // stays in memory; the next send tries again
            }
            self.tracker.borrow_mut().settle(chunk);
        }
        let estimate = self.tracker.borrow().estimate();
        if estimate.is_some() {
            self.set_progress.set(estimate);
        }
    }

    /// Everything measured so far into the queue now (before a confirmation queued after it).
    async fn queue_everything(&self) {
        let events = {
            let mut t = self.tracker.borrow_mut();
            t.seal(self.document_id);
            t.unsent.clone()
        };
        if !events.is_empty() {
            self.queue(events).await;
        }
    }
}

/// Counts on-screen time per section while the tab is visible and reports it in batches.
fn start_tracking(reader: ReaderState) {
    let ticking = reader.clone();
    let handle = set_interval_with_handle(
        move || {
            let visible = document().visibility_state() == leptos::web_sys::VisibilityState::Visible;
            if visible {
                let mut t = ticking.tracker.borrow_mut();
                for id in sections_on_screen() {
                    *t.pending.entry(id).or_default() += TICK_SECONDS as i32;
                }
                t.ticks += 1;
            }
            let due = !visible || ticking.tracker.borrow().ticks.is_multiple_of(FLUSH_EVERY_TICKS);
            if due {
                ticking.flush(!visible);
            }
        },
        Duration::from_secs(TICK_SECONDS),
    );
    // Cleanup closures must be Send; this one only ever runs on the browser's single thread.
    let on_leave = send_wrapper::SendWrapper::new(reader);
    on_cleanup(move || {
        if let Ok(handle) = handle {
            handle.clear();
        }
        on_leave.flush(true);
    });
}

fn minutes(seconds: i64) -> String {
    if seconds < 60 { format!("{seconds} giây") } else { format!("{} phút {} giây", seconds / 60, seconds % 60) }
}

/// Progress and the confirmation button, shown in the reader.
/// The reader's reading data, created with the document page itself: resources created inside
/// a component that renders only after another resource resolved race it during server
/// rendering (and break hydration now and then).
#[derive(Clone, Copy)]
pub struct ReadingResources {
    pub progress: Resource<Result<ReadingProgress, AppError>>,
    pub quiz: Resource<Result<Option<QuizView>, AppError>>,
    pub confirm: ServerAction<ConfirmRead>,
}

impl ReadingResources {
    pub fn new(document_id: impl Fn() -> i64 + Copy + Send + Sync + 'static) -> ReadingResources {
        let confirm = ServerAction::<ConfirmRead>::new();
        // Loaded again after writes queued offline reached the server.
        let synced = crate::offline::use_device().synced;
        ReadingResources {
            progress: Resource::new(
                move || (document_id(), confirm.version().get(), synced.get()),
                |(id, _, _)| my_progress(id),
            ),
            quiz: Resource::new(document_id, get_quiz),
            confirm,
        }
    }
}

/// The answers being filled in on the sheet of the comprehension check now shown. Kept by the
/// panel, which is drawn again on every progress update, so a redraw loses nothing.
#[derive(Clone, Debug, Default)]
struct QuizDraft {
    sheet: String,
    /// One id per filled-in sheet: a resend of the same answers is not a second attempt.
    client_id: String,
    /// Per served question, the position of the chosen choice (-1: none yet).
    answers: Vec<i32>,
}

/// An attempt, answered with the sheet it was made on.
type QuizAttempt = Action<QuizDraft, (String, Result<QuizResult, AppError>)>;

/// The reading panel as an island of an islands build: it loads what it shows itself.
#[crate::ui::interactive]
pub fn ReadingPanelIsland(document_id: i64, title: String, member_id: i64) -> impl IntoView {
    let data = ReadingResources::new(move || document_id);
    view! { <ReadingPanel document_id title data member_id /> }
}

#[component]
pub fn ReadingPanel(
    document_id: i64,
    title: String,
    data: ReadingResources,
    /// The signed-in member, whose device keeps the reading time while offline.
    member_id: i64,
) -> impl IntoView {
    let (live, set_live) = signal(None::<ReadingProgress>);
    // False while a comprehension check is waiting to be passed.
    let quiz_ok = RwSignal::new(false);
    let ReadingResources { progress: initial, quiz, confirm } = data;
    let draft = RwSignal::new(QuizDraft::default());
    let attempt: QuizAttempt = Action::new(move |d: &QuizDraft| {
        let d = d.clone();
        async move { (d.sheet.clone(), submit_quiz(d.client_id, document_id, d.sheet, d.answers).await) }
    });
    Effect::new(move |_| {
        match attempt.value().get() {
            Some((_, Ok(result))) => {
                if result.passed {
                    quiz_ok.set(true);
                }
                // The server's view again: passed, or a new sheet in a new order (or none, when
                // today's attempts are used up).
                quiz.refetch();
            }
            // Out of attempts, or passed meanwhile in another tab: show where things stand.
            Some((_, Err(e))) if e.field_message("form").is_some() => quiz.refetch(),
            _ => {}
        }
    });
    let error = action_error(confirm);
    // The last progress the server gave, for when it cannot be asked (offline).
    let last_known = StoredValue::new(None::<ReadingProgress>);
    let confirm_queued = RwSignal::new(false);
    // Made only in the browser (by the effect below), so the server never holds — nor drops on
    // another thread — the browser-only tracker.
    let reader = StoredValue::new(None::<send_wrapper::SendWrapper<ReaderState>>);
    Effect::new(move |_| {
        let state = ReaderState {
            document_id,
            title: title.clone(),
            member_id: Some(member_id),
            tracker: Rc::new(RefCell::new(Tracker::default())),
            set_progress: set_live,
        };
        reader.set_value(Some(send_wrapper::SendWrapper::new(state.clone())));
        start_tracking(state);
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = initial.get() {
            last_known.set_value(Some(p.clone()));
            if let Some(r) = reader.get_value() {
                let r = r.take();
                let mut t = r.tracker.borrow_mut();
                if t.opened_with.is_none() {
                    t.opened_with = Some(p);
                }
            }
        }
    });
    // Confirming without a connection: the reading time first, then the confirmation, both
    // into the device's queue, in that order.
    Effect::new(move |_| {
        if matches!(confirm.value().get(), Some(Err(AppError::Network)))
            && let Some(r) = reader.get_value() {
                let r = r.take();
                leptos::task::spawn_local(async move {
                    r.queue_everything().await;
                    let label = format!("Xác nhận đã đọc: {}", r.title);
                    let write = crate::offline::OfflineWrite::ReadingConfirm { document_id };
                    if crate::offline::queue_write(r.member_id, write, label).await {
                        confirm_queued.set(true);
                    }
                });
            }
    });
    let shown_error = Signal::derive(move || error.get().filter(|_| !confirm_queued.get()));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let loaded = initial.await.ok().or_else(|| last_known.get_value());
                let progress = match (live.get(), loaded) {
                    (Some(l), Some(i)) if i.confirmed => Some(ReadingProgress { confirmed: true, ..l }),
                    (Some(l), _) => Some(l),
                    (None, i) => i,
                };
                progress.map(|p| {
                    let percent = p.percent_seen();
                    view! {
                        <div class="reading-panel" data-testid="reading-panel">
                            <div class="bar" role="progressbar" aria-label="Tiến độ đọc" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
                                <div class="bar-fill" style:width=format!("{percent}%")></div>
                            </div>
                            <p data-testid="reading-progress">
                                "Đã xem " {p.seen_sections} "/" {p.total_sections} " phần · thời gian đọc "
                                {minutes(p.active_seconds)} " (tối thiểu " {minutes(p.required_seconds)} ")"
                            </p>
                            {if p.confirmed {
                                view! { <p class="alert alert-success" role="status">"Đồng chí đã xác nhận: Đã đọc và nắm nội dung."</p> }.into_any()
                            } else {
                                view! {
                                    <Show when=move || confirm_queued.get()>
                                        <p class="alert alert-success" role="status" data-testid="confirm-queued">
                                            "Đã ghi nhận trên máy: Đã đọc và nắm nội dung. Xác nhận sẽ được gửi khi có mạng."
                                        </p>
                                    </Show>
                                    <Show when=move || !confirm_queued.get()>
                                        {p.completed.then(|| view! { <QuizBlock quiz quiz_ok draft attempt /> })}
                                        <Show when=move || quiz_ok.get() || !p.completed>
                                            <ActionForm action=confirm attr:class="inline-form">
                                                <input type="hidden" name="document_id" value=document_id />
                                                <button type="submit" class="primary" disabled=!p.completed>"Đã đọc và nắm nội dung"</button>
                                            </ActionForm>
                                        </Show>
                                        {(!p.completed).then(|| view! { <p class="hint">"Nút xác nhận mở khi đồng chí đã đọc hết các phần của tài liệu."</p> })}
                                    </Show>
                                    <FormMessage error=shown_error />
                                }.into_any()
                            }}
                        </div>
                    }
                })
            })}
        </Transition>
    }
}

/// The optional multiple-choice check, shown once the document has been read through.
#[component]
fn QuizBlock(
    quiz: Resource<Result<Option<QuizView>, AppError>>,
    quiz_ok: RwSignal<bool>,
    draft: RwSignal<QuizDraft>,
    attempt: QuizAttempt,
) -> impl IntoView {
    view! {
        <Loaded resource=quiz transition=true fallback={|| ()} children={move |quiz: Option<QuizView>| {
            match quiz {
                Some(q) if q.passed => {
                    quiz_ok.set(true);
                    q.last
                        .map(|(correct, total)| view! {
                            <div class="quiz" data-testid="quiz">
                                <p class="alert alert-success" role="status">{format!("Đúng {correct}/{total} câu — đạt.")}</p>
                            </div>
                        })
                        .into_any()
                }
                Some(q) => view! { <QuizForm quiz=q draft attempt /> }.into_any(),
                None => {
                    quiz_ok.set(true);
                    ().into_any()
                }
            }
        }} />
    }
}

/// The words of a refusal: a field message itself rather than "check the marked fields".
fn refusal_text(e: &AppError) -> String {
    match e {
        AppError::Invalid(fields) => fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

fn failed_text(correct: i32, total: i32, pass_percent: i32) -> String {
    format!("Đúng {correct}/{total} câu — chưa đạt (cần {pass_percent}%). Đồng chí xem lại tài liệu rồi trả lời lại.")
}

#[component]
fn QuizForm(quiz: QuizView, draft: RwSignal<QuizDraft>, attempt: QuizAttempt) -> impl IntoView {
    let QuizView { sheet, questions, pass_percent, last, attempts_left, locked, .. } = quiz;
    // A new sheet starts blank; the same sheet drawn again keeps what was chosen.
    if draft.with_untracked(|d| d.sheet != sheet) {
        draft.set(QuizDraft { sheet: sheet.clone(), client_id: crate::common::client_id::new(), answers: vec![-1; questions.len()] });
    }
    let open = locked.is_none() && !questions.is_empty();
    let complete = move || draft.with(|d| !d.answers.is_empty() && d.answers.iter().all(|a| *a >= 0));
    // What the last attempt on this sheet gave; before one, the score of the previous sheet.
    let this_sheet = sheet.clone();
    let outcome = move || match attempt.value().get() {
        Some((s, r)) if s == this_sheet => match r {
            Ok(r) if r.passed => {
                view! { <p class="alert alert-success" role="status">{format!("Đúng {}/{} câu — đạt.", r.correct, r.total)}</p> }.into_any()
            }
            Ok(r) => view! { <p class="alert alert-error" role="alert">{failed_text(r.correct, r.total, r.pass_percent)}</p> }.into_any(),
            Err(e) => view! { <p class="alert alert-error" role="alert">{refusal_text(&e)}</p> }.into_any(),
        },
        _ => last
            .map(|(correct, total)| view! { <p class="alert alert-error" role="alert">{failed_text(correct, total, pass_percent)}</p> })
            .into_any(),
    };
    view! {
        <form class="quiz" data-testid="quiz" on:submit=move |ev| {
            ev.prevent_default();
            if open && complete() {
                attempt.dispatch(draft.get_untracked());
            }
        }>
            <h3>"Câu hỏi kiểm tra nhanh"</h3>
            <p class="muted">{format!("Trả lời đúng từ {}% số câu để xác nhận đã nắm nội dung.", pass_percent)}</p>
            {questions.into_iter().enumerate().map(|(i, q)| view! {
                <fieldset class="quiz-question">
                    <legend>{format!("{}. {}", i + 1, q.question)}</legend>
                    {q.options.into_iter().enumerate().map(|(k, option)| {
                        let k = k as i32;
                        view! {
                            <label class="choice">
                                <input type="radio" name=format!("cau-{i}") value=k
                                    prop:checked=move || draft.with(|d| d.answers.get(i) == Some(&k))
                                    on:change=move |_| draft.update(|d| {
                                        if let Some(a) = d.answers.get_mut(i) {
                                            *a = k;
                                        }
                                    }) />
                                " " {option}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }).collect_view()}
            {open.then(|| view! {
                <button type="submit" disabled=move || !complete() || attempt.pending().get()>"Nộp bài"</button>
                <p class="hint" data-testid="quiz-attempts">{format!("Còn {attempts_left} lần trả lời trong hôm nay.")}</p>
            })}
            {locked.map(|message| view! { <p class="alert" data-testid="quiz-locked">{message}</p> })}
            {outcome}
        </form>
    }
}

#[component]
pub fn RequiredReadingPage() -> impl IntoView {
    view! {
        <Title text="Tài liệu cần đọc" />
        <WithUser children=|_user: SessionUser| {
            let items = Resource::new(|| (), |_| get_required_reading());
            view! {
                <section class="card">
                    <h1>"Tài liệu cần đọc"</h1>
                    <Loaded resource=items children={move |list: Vec<super::RequiredReading>| {
                        if list.is_empty() {
                            view! { <p class="muted">"Hiện chưa có tài liệu nào được giao."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="doc-list" data-testid="required-list">
                                    {list.into_iter().map(|r| {
                                        let percent = r.progress.percent_seen();
                                        let state = if r.progress.confirmed { "Đã đọc" } else if r.progress.active_seconds > 0 { "Đang đọc" } else { "Chưa đọc" };
                                        view! {
                                            <li class="doc-row">
                                                <a href=format!("/tai-lieu/{}", r.document.id) class="doc-title">{r.document.title.clone()}</a>
                                                <span class="muted">"Giao cho " {r.unit.name.clone()} " · hạn " {date_text(r.due_on)}</span>
                                                <div class="bar"><div class="bar-fill" style:width=format!("{percent}%")></div></div>
                                                <span class:overdue=r.overdue>{state} {r.overdue.then_some(" · quá hạn")}</span>
                                                {r.report_unit.map(|u| view! {
                                                    <a href=format!("/bao-cao-doc/{}?don-vi={u}", r.assignment_id)>"Báo cáo tình hình đọc"</a>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }} />
                </section>
            }
        } />
    }
}

/// One horizontal stacked bar: read / reading / not started.
#[component]
fn CountsBar(counts: ReportCounts) -> impl IntoView {
    let total = counts.members.max(1) as f64;
    let w = |n: i64| n as f64 * 100.0 / total;
    let (read, reading) = (w(counts.read), w(counts.reading));
    view! {
        <svg class="counts-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img"
            aria-label=format!("{} đã đọc, {} đang đọc, {} chưa đọc", counts.read, counts.reading, counts.not_started)>
            <rect x="0" y="0" width="100" height="6" fill="#ddd6c8" />
            <rect x="0" y="0" width=read height="6" fill="#2e7d32" />
            <rect x=read y="0" width=reading height="6" fill="#f9a825" />
        </svg>
    }
}

#[component]
pub fn ReadingReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let assignment = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let unit = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok());
    let report = Resource::new(move || (assignment(), unit()), |(a, u)| get_reading_report(a, u));
    view! {
        <Title text="Báo cáo đọc tài liệu" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=report children=|r| view! { <ReportView report=r /> } />
        } />
    }
}

fn member_state_label(state: &str) -> &'static str {
    match state {
        "read" => "Đã đọc",
        "reading" => "Đang đọc",
        _ => "Chưa đọc",
    }
}

#[component]
fn ReportView(report: ReadingReport) -> impl IntoView {
    let t = report.totals.clone();
    let id = report.assignment_id;
    view! {
        <section class="card" data-testid="report">
            <h1>"Tình hình đọc tài liệu"</h1>
            <p class="lead"><a href=format!("/tai-lieu/{}", report.document.id)>{report.document.title.clone()}</a></p>
            <p class="muted">{report.unit.name.clone()} " · hạn " {date_text(report.due_on)}</p>
            <p data-testid="report-totals">
                {t.read} " đã đọc · " {t.reading} " đang đọc · " {t.not_started} " chưa đọc / " {t.members} " đảng viên"
            </p>
            <CountsBar counts=t.clone() />
            <p class="downloads">"Tải báo cáo: "
                <a href=format!("/api/v1/reading-report.xlsx?assignment={id}&unit={}", report.unit.id) download>"Excel (XLSX)"</a>
                " · "
                <a href=format!("/api/v1/reading-report.csv?assignment={id}&unit={}", report.unit.id) download>"CSV"</a>
            </p>
            {report.past_due.then(|| view! {
                <p class="alert alert-error" data-testid="past-due">{format!("Đã quá hạn đọc: {} đảng viên chưa xác nhận.", t.members - t.read)}</p>
            })}
            {(!report.rows.is_empty()).then(|| view! {
                <table class="report-table">
                    <thead><tr><th>"Đơn vị"</th><th>"Đã đọc"</th><th>"Đang đọc"</th><th>"Chưa đọc"</th><th></th></tr></thead>
                    <tbody>
                        {report.rows.clone().into_iter().map(|row| view! {
                            <tr>
                                <td><a href=format!("/bao-cao-doc/{id}?don-vi={}", row.unit.id)>{row.unit.name.clone()}</a></td>
                                <td>{row.counts.read}</td>
                                <td>{row.counts.reading}</td>
                                <td>{row.counts.not_started}</td>
                                <td class="bar-cell"><CountsBar counts=row.counts.clone() /></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!report.members.is_empty()).then(|| view! {
                <ul class="member-list" data-testid="report-members">
                    {report.members.clone().into_iter().map(|m| view! {
                        <li class="member-row">
                            <a href=format!("/dang-vien/{}", m.member_id) class="member-name">{m.full_name}</a>
                            <span class=format!("state state-{}", m.state)>{member_state_label(&m.state)} " · đã xem " {m.percent_seen} "%"</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(report.members.is_empty() && !report.overdue.is_empty()).then(|| view! {
                <details class="overdue" data-testid="overdue">
                    <summary>{format!("Chi bộ còn đảng viên chưa đọc sau hạn ({})", report.overdue.len())}</summary>
                    <table class="report-table">
                        <thead><tr><th>"Chi bộ"</th><th>"Chưa xác nhận"</th><th>"Số đảng viên"</th></tr></thead>
                        <tbody>
                            {report.overdue.clone().into_iter().map(|o| view! {
                                <tr>
                                    <td><a href=format!("/bao-cao-doc/{id}?don-vi={}", o.cell.id)>{o.cell.name}</a></td>
                                    <td>{o.not_read}</td>
                                    <td>{o.members}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            })}
        </section>
    }
}
