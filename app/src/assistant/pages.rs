//! The assistant in the browser: the conversation page, the button on every page, reading
//! answers aloud (the device's Vietnamese voice, else the server's) and asking by voice.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{AssistantReportData, Exchange, ReportRow, ask_assistant, assistant_home, assistant_report, forward_to_cell, rate_answer};
use crate::auth::SessionUser;
use crate::error::AppError;
use crate::ui::{FieldMessage, Loaded, WithUser};

#[cfg(not(feature = "ssr"))]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
let playing = null;
let listening = null;
function viVoice() {
  return speechSynthesis.getVoices().find((v) => /^vi([-_]|$)/i.test(v.lang));
}
async function deviceVoice() {
  if (!('speechSynthesis' in window)) return null;
  let voice = viVoice();
  if (!voice && speechSynthesis.getVoices().length === 0) {
    await new Promise((resolve) => { speechSynthesis.addEventListener('voiceschanged', resolve, { once: true }); setTimeout(resolve, 400); });
    voice = viVoice();
  }
  return voice || null;
}
function done() { delete document.body.dataset.speaking; }
export function stop_speaking() {
  if (playing) { playing.pause(); playing = null; }
  if ('speechSynthesis' in window) speechSynthesis.cancel();
  done();
}
// Resolves with "device" or "server" once the sound has started, rejects with a message.
export async function speak(text, onEnd) {
  stop_speaking();
  const voice = await deviceVoice();
  if (voice) {
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice; u.lang = voice.lang; u.rate = 0.95;
    u.onend = () => { done(); onEnd(); };
    document.body.dataset.speaking = 'device';
    speechSynthesis.speak(u);
    return 'device';
  }
  const r = await fetch('/api/v1/tts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  if (!r.ok) {
    let message = 'Không phát được âm thanh; vui lòng thử lại.';
    try { message = (await r.json()).error.message; } catch (_) {}
    throw message;
  }
  const audio = new Audio(URL.createObjectURL(await r.blob()));
  playing = audio;
  audio.onended = () => { if (playing === audio) playing = null; done(); onEnd(); };
  document.body.dataset.speaking = 'server';
  try { await audio.play(); } catch (e) { done(); throw 'Trình duyệt chưa cho phát âm thanh: ' + (e && e.name || e); }
  return 'server';
}
export function can_listen() { return !!(window.SpeechRecognition || window.webkitSpeechRecognition); }
// Calls onText with what was heard so far, then onEnd with "" or the error's name.
export function listen(onText, onEnd) {
  const R = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (!R) { onEnd('not-supported'); return; }
  const r = new R();
  r.lang = 'vi-VN'; r.interimResults = true; r.maxAlternatives = 1;
  let failed = '';
  r.onresult = (e) => { let t = ''; for (const res of e.results) t += res[0].transcript; onText(t); };
  r.onerror = (e) => { failed = e.error || 'error'; };
  r.onend = () => { listening = null; onEnd(failed); };
  listening = r;
  try { r.start(); } catch (e) { listening = null; onEnd('start'); }
}
export function stop_listening() { if (listening) listening.stop(); }
// The document's sections being read aloud: marked and brought into view.
export function highlight_sections(anchors) {
  document.querySelectorAll('.doc-section.listening').forEach((e) => e.classList.remove('listening'));
  let first = null;
  for (const a of anchors) {
    const e = document.getElementById(a);
    if (e) { e.classList.add('listening'); first = first || e; }
  }
  if (first) first.scrollIntoView({ block: 'start', behavior: 'smooth' });
}
export function listen_position(key) { try { return localStorage.getItem(key) || ''; } catch (_) { return ''; } }
export function save_listen_position(key, anchor) { try { localStorage.setItem(key, anchor); } catch (_) {} }
"#)]
    extern "C" {
        #[wasm_bindgen(catch)]
        pub async fn speak(text: &str, on_end: &Closure<dyn FnMut()>) -> Result<JsValue, JsValue>;
        pub fn stop_speaking();
        pub fn can_listen() -> bool;
        pub fn listen(on_text: &Closure<dyn FnMut(String)>, on_end: &Closure<dyn FnMut(String)>);
        pub fn stop_listening();
        pub fn highlight_sections(anchors: Vec<String>);
        pub fn listen_position(key: &str) -> String;
        pub fn save_listen_position(key: &str, anchor: &str);
    }
}

/// Reads `text` aloud: the device's Vietnamese voice when it has one, else audio made by the
/// server. Resolves when the sound has started; the message says why it could not.
pub async fn speak_text(text: String, on_end: impl FnMut() + 'static) -> Result<(), String> {
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::prelude::Closure;
        let closure = Closure::<dyn FnMut()>::new(on_end);
        let result = browser::speak(&text, &closure).await;
        closure.forget(); // called once, when the sound ends
        result.map(|_| ()).map_err(|e| e.as_string().unwrap_or_else(|| "Không phát được âm thanh.".into()))
    }
    #[cfg(feature = "ssr")]
    {
        let _ = (text, on_end);
        Ok(())
    }
}

pub fn stop_speaking() {
    #[cfg(not(feature = "ssr"))]
    browser::stop_speaking();
}

/// "Nghe" / "Dừng" for one text.
#[component]
pub fn SpeakButton(#[prop(into)] text: String, #[prop(optional)] autoplay: bool) -> impl IntoView {
    let speaking = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let play = crate::ui::browser_action(move |text: &String| {
        let text = text.clone();
        async move {
            problem.set(None);
            speaking.set(true);
            if let Err(message) = speak_text(text, move || speaking.set(false)).await {
                speaking.set(false);
                problem.set(Some(message));
            }
        }
    });
    let toggle = {
        let text = text.clone();
        move |_| {
            if speaking.get_untracked() {
                stop_speaking();
                speaking.set(false);
            } else {
                play.dispatch(text.clone());
            }
        }
    };
    if autoplay {
        let text = text.clone();
        Effect::new(move |_| {
            play.dispatch(text.clone());
        });
    }
    view! {
        <button type="button" class="speak" aria-pressed=move || speaking.get().to_string() on:click=toggle data-testid="speak">
            {move || if speaking.get() { "■ Dừng đọc" } else { "Nghe đọc" }}
        </button>
        {move || problem.get().map(|m| view! { <span class="speak-problem" role="alert">{m}</span> })}
    }
}

/// The round button on every page of a signed-in member (not on the assistant's own page).
#[component]
pub fn AssistantButton() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    view! {
        <Show when=move || !location.pathname.get().starts_with("/tro-ly")>
            <a class="assistant-fab" href="/tro-ly" aria-label="Trợ lý ảo: hỏi về công tác Đảng" data-testid="assistant-fab">
                <span class="assistant-fab-icon" aria-hidden="true">"?"</span>
                <span class="assistant-fab-label">"Trợ lý ảo"</span>
            </a>
        </Show>
    }
}

#[component]
pub fn AssistantPage() -> impl IntoView {
    let home = Resource::new(|| (), |_| assistant_home());
    view! {
        <Title text="Trợ lý ảo" />
        <WithUser children=move |user: SessionUser| {
            let is_admin = user.is_admin();
            view! {
                <section class="card assistant">
                    <h1>"Trợ lý ảo"</h1>
                    <p class="lead">"Hỏi về công tác Đảng bằng lời của đồng chí; trợ lý trích nguyên văn văn bản đồng chí được xem và dẫn đến đúng điều khoản."</p>
                    {is_admin.then(|| view! { <p><a href="/tro-ly/bao-cao">"Báo cáo câu hỏi chưa có trả lời"</a></p> })}
                    <Loaded resource=home children=move |home: super::AssistantPageData| view! { <Conversation history=home.history suggestions=home.suggestions /> } />
                </section>
            }
        } />
    }
}

/// The conversation: asking by text or voice, answers read aloud, rating them.
#[crate::ui::interactive]
fn Conversation(history: Vec<Exchange>, suggestions: Vec<String>) -> impl IntoView {
    let exchanges = RwSignal::new(history);
    let question = RwSignal::new(String::new());
    let by_voice = RwSignal::new(false);
    let client_id = RwSignal::new(crate::common::client_id::new());
    let latest_voice = RwSignal::new(None::<i64>);
    let ask = Action::new(move |(q, voice): &(String, bool)| {
        let (q, voice, id) = (q.clone(), *voice, client_id.get_untracked());
        async move { ask_assistant(q, id, voice).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(exchange)) = ask.value().get() {
            if exchange.by_voice {
                latest_voice.set(Some(exchange.id));
            }
            exchanges.update(|list| {
                if !list.iter().any(|e| e.id == exchange.id) {
                    list.push(exchange);
                }
            });
            question.set(String::new());
            by_voice.set(false);
            client_id.set(crate::common::client_id::new());
        }
    });
    let error = crate::ui::action_error(ask);
    let send = move || {
        let q = question.get_untracked();
        if !ask.pending().get_untracked() {
            ask.dispatch((q, by_voice.get_untracked()));
        }
    };
    let suggestion_chips = suggestions
        .into_iter()
        .map(|s| {
            let text = s.clone();
            view! {
                <li><button type="button" class="chip" on:click=move |_| { question.set(text.clone()); by_voice.set(false); send(); }>{s}</button></li>
            }
        })
        .collect_view();
    view! {
        <ol class="chat" data-testid="chat" aria-live="polite">
            <For each=move || exchanges.get() key=|e| e.id let:exchange>
                <ExchangeView exchange=exchange.clone() autoplay=latest_voice.get_untracked() == Some(exchange.id) />
            </For>
        </ol>
        <Show when=move || exchanges.with(Vec::is_empty)>
            <p class="hint">"Chưa có câu hỏi nào. Đồng chí có thể bắt đầu bằng một gợi ý:"</p>
        </Show>
        <ul class="chips" data-testid="suggestions">{suggestion_chips}</ul>
        <form class="ask-form" on:submit=move |ev| { ev.prevent_default(); send(); }>
            <label for="assistant-question">"Câu hỏi của đồng chí"</label>
            <textarea
                id="assistant-question"
                rows="3"
                placeholder="Ví dụ: Thời kỳ dự bị của đảng viên là bao lâu?"
                prop:value=move || question.get()
                on:input=move |ev| question.set(event_target_value(&ev))
            ></textarea>
            <FieldMessage error field="question" />
            {move || error.get().filter(|e| e.field_message("question").is_none()).map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
            <div class="ask-actions">
                <VoiceInput question by_voice />
                <button type="submit" class="primary" disabled=move || ask.pending().get()>
                    {move || if ask.pending().get() { "Đang tìm…" } else { "Gửi câu hỏi" }}
                </button>
            </div>
        </form>
    }
}

/// The microphone: what is heard goes into the question box, to be read and corrected before
/// sending. Hidden where the browser cannot recognise speech.
#[component]
fn VoiceInput(question: RwSignal<String>, by_voice: RwSignal<bool>) -> impl IntoView {
    let supported = RwSignal::new(false);
    let listening = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        supported.set(browser::can_listen());
    });
    #[cfg(feature = "ssr")]
    let _ = (question, by_voice);
    let start = move |_| {
        problem.set(None);
        #[cfg(not(feature = "ssr"))]
        {
            use wasm_bindgen::prelude::Closure;
            if listening.get_untracked() {
                browser::stop_listening();
                return;
            }
            listening.set(true);
            let on_text = Closure::<dyn FnMut(String)>::new(move |text: String| {
                question.set(text);
                by_voice.set(true);
            });
            let on_end = Closure::<dyn FnMut(String)>::new(move |error: String| {
                listening.set(false);
                if !error.is_empty() {
                    problem.set(Some(listen_problem(&error)));
                }
            });
            browser::listen(&on_text, &on_end);
            on_text.forget();
            on_end.forget();
        }
    };
    view! {
        <Show when=move || supported.get()>
            <button type="button" class="mic" aria-pressed=move || listening.get().to_string() on:click=start data-testid="mic">
                {move || if listening.get() { "■ Dừng nghe" } else { "Hỏi bằng giọng nói" }}
            </button>
        </Show>
        {move || problem.get().map(|m| view! { <p class="hint" role="alert" data-testid="mic-problem">{m}</p> })}
    }
}

/// Why listening stopped, and what to do instead.
#[cfg_attr(feature = "ssr", allow(dead_code))]
fn listen_problem(error: &str) -> String {
    let why = match error {
        "not-allowed" | "service-not-allowed" => "trình duyệt chưa được phép dùng micro",
        "network" => "cần có mạng để nhận dạng giọng nói",
        "no-speech" => "chưa nghe thấy tiếng nói",
        "audio-capture" => "không tìm thấy micro",
        _ => "thiết bị chưa nhận dạng được giọng nói",
    };
    format!("Không nghe được ({why}); đồng chí vui lòng gõ câu hỏi.")
}

#[component]
fn ExchangeView(exchange: Exchange, autoplay: bool) -> impl IntoView {
    let answer = exchange.answer.clone();
    let found = answer.found;
    let id = exchange.id;
    view! {
        <li class="exchange" data-testid="exchange">
            <p class="bubble mine"><span class="sr-only">"Đồng chí hỏi: "</span>{answer.question.clone()}</p>
            <div class="bubble reply" data-testid="answer" data-found=found.to_string() data-mode=answer.mode.clone()>
                {if found {
                    // Citations load the whole document page, so the browser opens it at the article.
                    let citations = answer.citations.clone();
                    let sentences = answer.sentences.clone();
                    view! {
                        <p class="intro">{answer.intro.clone()}</p>
                        <blockquote data-testid="answer-quote">
                            {sentences
                                .into_iter()
                                .map(|s| {
                                    let href = citations.iter().find(|c| c.n == s.citation).map(|c| c.href()).unwrap_or_default();
                                    view! {
                                        <span class="quoted">{s.text}</span>
                                        " "
                                        <a class="cite" href=href rel="external" aria-label=format!("Nguồn {}", s.citation)>{format!("[{}]", s.citation)}</a>
                                        " "
                                    }
                                })
                                .collect_view()}
                        </blockquote>
                        <ol class="citations" data-testid="citations">
                            {citations
                                .into_iter()
                                .map(|c| {
                                    let href = c.href();
                                    view! {
                                        <li>
                                            <a href=href rel="external">{format!("[{}] {} — {}", c.n, c.label, c.document_title)}</a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                        <SpeakButton text=answer.text.clone() autoplay />
                    }
                        .into_any()
                } else {
                    view! { <NotFound id /> }.into_any()
                }}
                <Rating id rating=exchange.rating comment=exchange.comment.clone() />
            </div>
        </li>
    }
}

/// "Nothing found", and one tap to send the question to the member's cell instead.
#[component]
fn NotFound(id: i64) -> impl IntoView {
    let forward = Action::new(move |_: &()| forward_to_cell(id));
    let error = crate::ui::action_error(forward);
    view! {
        <p data-testid="not-found">
            "Trợ lý chưa tìm thấy nội dung trả lời trong các tài liệu đồng chí được xem. Đồng chí có thể gửi câu hỏi này lên chi bộ để được trả lời (chỉ bí thư, phó bí thư chi bộ biết tên người hỏi)."
        </p>
        {move || match forward.value().get() {
            Some(Ok(question)) => view! {
                <p class="alert alert-success" role="status" data-testid="forwarded">
                    "Đã gửi lên chi bộ. " <a href=format!("/hoi-dap/{question}")>"Xem câu hỏi"</a>
                </p>
            }
                .into_any(),
            _ => view! {
                <button type="button" class="primary" disabled=move || forward.pending().get() on:click=move |_| { forward.dispatch(()); }>
                    "Gửi câu hỏi lên chi bộ"
                </button>
            }
                .into_any(),
        }}
        {move || error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
    }
}

/// Thumbs up or down, with an optional comment when down.
#[component]
fn Rating(id: i64, rating: Option<i32>, comment: String) -> impl IntoView {
    let current = RwSignal::new(rating);
    let comment = RwSignal::new(comment);
    let commenting = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let rate = Action::new(move |value: &i32| {
        let value = *value;
        let text = comment.get_untracked();
        async move { rate_answer(id, value, text).await.map(|_| value) }
    });
    Effect::new(move |_| {
        if let Some(Ok(value)) = rate.value().get() {
            current.set(Some(value));
            saved.set(true);
        }
    });
    let error: Signal<Option<AppError>> = crate::ui::action_error(rate);
    view! {
        <div class="rating" role="group" aria-label="Đánh giá câu trả lời">
            <button type="button" aria-pressed=move || (current.get() == Some(1)).to_string() on:click=move |_| { commenting.set(false); rate.dispatch(1); }>
                "Hữu ích"
            </button>
            <button type="button" aria-pressed=move || (current.get() == Some(-1)).to_string() on:click=move |_| { commenting.set(true); rate.dispatch(-1); }>
                "Chưa hữu ích"
            </button>
            <Show when=move || commenting.get()>
                <label for=format!("rating-comment-{id}")>"Góp ý thêm (không bắt buộc)"</label>
                <textarea id=format!("rating-comment-{id}") rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <button type="button" on:click=move |_| { rate.dispatch(-1); }>"Gửi góp ý"</button>
                <FieldMessage error field="comment" />
            </Show>
            {move || (saved.get() && rate.value().get().is_some_and(|r| r.is_ok())).then(|| view! { <span class="hint" role="status">"Cảm ơn đồng chí đã đánh giá."</span> })}
        </div>
    }
}

#[component]
pub fn AssistantReportPage() -> impl IntoView {
    let report = Resource::new(|| (), |_| assistant_report());
    view! {
        <Title text="Báo cáo trợ lý ảo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=report children=move |r: AssistantReportData| view! { <Report report=r /> } />
        } />
    }
}

fn share(part: u64, whole: u64) -> String {
    (part * 100 + whole / 2).checked_div(whole).map_or_else(|| "—".into(), |p| format!("{p}%"))
}

#[component]
fn Report(report: AssistantReportData) -> impl IntoView {
    let r = report;
    let rows = |rows: Vec<ReportRow>, id: &'static str| {
        if rows.is_empty() {
            return view! { <p class="hint">"Chưa có."</p> }.into_any();
        }
        view! {
            <ol class="report-list" data-testid=id>
                {rows
                    .into_iter()
                    .map(|row| view! {
                        <li>
                            <strong>{row.question}</strong>
                            <span class="meta">{format!(" · {} · {}", row.unit_name, row.asked_at)}</span>
                            {(!row.comment.is_empty()).then(|| view! { <p class="comment">"Góp ý: " {row.comment}</p> })}
                        </li>
                    })
                    .collect_view()}
            </ol>
        }
            .into_any()
    };
    view! {
        <section class="card">
            <h1>"Báo cáo trợ lý ảo — " {r.unit_name.clone()}</h1>
            <p data-testid="assistant-totals">
                {format!(
                    "{} câu hỏi · {} có trả lời ({}) · {} đánh giá hữu ích · {} chưa hữu ích",
                    r.asked,
                    r.answered,
                    share(r.answered, r.asked),
                    r.helpful,
                    r.unhelpful
                )}
            </p>
            <h2>"Câu hỏi chưa tìm thấy trả lời"</h2>
            <p class="hint">"Nội dung đảng viên cần mà tài liệu chưa có: cân nhắc bổ sung tài liệu hoặc hỏi đáp chung."</p>
            {rows(r.unanswered, "assistant-unanswered")}
            <h2>"Câu trả lời bị đánh giá chưa hữu ích"</h2>
            {rows(r.disliked, "assistant-disliked")}
        </section>
    }
}

/// A stretch of a document read in one go: an article with its clauses (or a part, a chapter
/// title, an item), in pieces short enough for the server's voice.
#[derive(Debug, Clone, PartialEq)]
struct ListenUnit {
    anchor: String,
    label: String,
    /// Every section it covers, to mark on screen.
    anchors: Vec<String>,
    chunks: Vec<String>,
}

/// Longest piece sent to the voice at once (the server takes up to 4,000 characters).
const CHUNK_CHARS: usize = 3000;

#[cfg_attr(feature = "ssr", allow(dead_code))]
fn chunks_of(text: &str) -> Vec<String> {
    let mut chunks = vec![String::new()];
    for sentence in text.split_inclusive(['.', ';', '\n']) {
        let last = chunks.last_mut().map(|c| c.chars().count()).unwrap_or(0);
        if last + sentence.chars().count() > CHUNK_CHARS && last > 0 {
            chunks.push(String::new());
        }
        if let Some(current) = chunks.last_mut() {
            // A single sentence longer than a chunk is cut at a space.
            let mut rest = sentence;
            while rest.chars().count() > CHUNK_CHARS {
                let cut = rest.char_indices().take(CHUNK_CHARS).filter(|(_, c)| c.is_whitespace()).last().map_or(CHUNK_CHARS, |(i, _)| i);
                current.push_str(&rest[..cut]);
                rest = &rest[cut..];
            }
            current.push_str(rest);
        }
    }
    chunks.into_iter().map(|c| c.trim().to_string()).filter(|c| c.chars().any(char::is_alphanumeric)).collect()
}

#[cfg_attr(feature = "ssr", allow(dead_code))]
fn listen_units(sections: &[crate::documents::SectionView]) -> Vec<ListenUnit> {
    let mut units: Vec<(String, String, Vec<String>, String)> = Vec::new();
    for s in sections {
        let joins_previous = matches!(s.kind.as_str(), "clause") && !units.is_empty();
        if joins_previous {
            if let Some(unit) = units.last_mut() {
                unit.2.push(s.anchor.clone());
                unit.3.push_str(&format!("\n{}. {}", s.label.trim_start_matches("Khoản ").trim(), s.body));
            }
            continue;
        }
        let head = match (s.heading.is_empty(), s.kind.as_str()) {
            (_, "preamble") => String::new(),
            (true, _) => format!("{}.", s.label),
            (false, _) if s.label == s.heading => format!("{}.", s.heading),
            (false, _) => format!("{}. {}.", s.label, s.heading),
        };
        let text = if s.body.is_empty() { head } else if head.is_empty() { s.body.clone() } else { format!("{head}\n{}", s.body) };
        let label = if s.kind == "preamble" { "Phần mở đầu".to_string() } else { s.label.clone() };
        units.push((s.anchor.clone(), label, vec![s.anchor.clone()], text));
    }
    units
        .into_iter()
        .map(|(anchor, label, anchors, text)| ListenUnit { anchor, label, anchors, chunks: chunks_of(&text) })
        .filter(|u| !u.chunks.is_empty())
        .collect()
}

/// What the listener is doing; `Copy`, so callbacks can carry it.
#[derive(Clone, Copy)]
struct Listener {
    /// The document's sections without their text (it is read from the page when needed).
    #[cfg_attr(feature = "ssr", allow(dead_code))]
    outline: StoredValue<Vec<crate::documents::SectionView>>,
    /// What is read, made from the page's body the first time it is needed.
    units: StoredValue<Vec<ListenUnit>>,
    /// (unit, chunk) now playing or paused at.
    at: RwSignal<Option<(usize, usize)>>,
    playing: RwSignal<bool>,
    /// Bumped on every start, skip or pause: a sound that ends late must not move on.
    run: RwSignal<u32>,
    problem: RwSignal<Option<String>>,
    #[cfg_attr(feature = "ssr", allow(dead_code))]
    key: StoredValue<String>,
}

impl Listener {
    /// The pieces to read, taken from the body on the page the first time (the text travels
    /// once, as HTML; by the time anyone presses a button, the page shows it).
    fn ensure_units(self) {
        #[cfg(not(feature = "ssr"))]
        if self.units.with_value(Vec::is_empty) {
            let texts = crate::documents::body::browser::section_texts();
            let sections: Vec<crate::documents::SectionView> = self.outline.with_value(|all| {
                all.iter().map(|s| crate::documents::SectionView { body: texts.get(&s.id).cloned().unwrap_or_default(), ..s.clone() }).collect()
            });
            self.units.set_value(listen_units(&sections));
        }
    }

    /// The unit starting at the section with this anchor.
    fn unit_at(self, anchor: &str) -> usize {
        self.ensure_units();
        self.units.with_value(|u| u.iter().position(|x| x.anchor == anchor)).unwrap_or(0)
    }

    fn play(self, unit: usize, chunk: usize) {
        self.ensure_units();
        let Some((anchor, anchors, text)) = self.units.with_value(|u| u.get(unit).and_then(|x| x.chunks.get(chunk).map(|c| (x.anchor.clone(), x.anchors.clone(), c.clone())))) else {
            self.stop();
            return;
        };
        self.run.update(|r| *r += 1);
        let run = self.run.get_untracked();
        self.at.set(Some((unit, chunk)));
        self.playing.set(true);
        self.problem.set(None);
        #[cfg(not(feature = "ssr"))]
        {
            if chunk == 0 {
                browser::highlight_sections(anchors);
            }
            browser::save_listen_position(&self.key.get_value(), &anchor);
            leptos::task::spawn_local(async move {
                let next = move || {
                    if self.run.get_untracked() == run && self.playing.get_untracked() {
                        self.advance();
                    }
                };
                if let Err(message) = speak_text(text, next).await
                    && self.run.get_untracked() == run
                {
                    self.playing.set(false);
                    self.problem.set(Some(message));
                }
            });
        }
        #[cfg(feature = "ssr")]
        let _ = (anchor, anchors, text, run);
    }

    /// The next piece, or the next article, or the end.
    #[cfg_attr(feature = "ssr", allow(dead_code))]
    fn advance(self) {
        let Some((unit, chunk)) = self.at.get_untracked() else { return };
        let pieces = self.units.with_value(|u| u.get(unit).map_or(0, |x| x.chunks.len()));
        if chunk + 1 < pieces {
            self.play(unit, chunk + 1);
        } else if unit + 1 < self.units.with_value(Vec::len) {
            self.play(unit + 1, 0);
        } else {
            self.stop();
        }
    }

    fn pause(self) {
        self.run.update(|r| *r += 1);
        self.playing.set(false);
        stop_speaking();
    }

    fn stop(self) {
        self.pause();
    }
}

/// "Nghe đọc" on a document: the same voice reads it article by article, the article being read
/// marked on screen, with pause, previous and next; it continues where the listener stopped
/// (kept on this device).
#[crate::ui::interactive]
pub fn DocumentListener(
    document_id: i64,
    /// The document's sections without their text: that is read from the page's body, where it
    /// already is (it travels once, as HTML).
    sections: Vec<crate::documents::SectionView>,
) -> impl IntoView {
    let empty = sections.is_empty();
    let outline = StoredValue::new(sections);
    let listener = Listener {
        outline,
        units: StoredValue::new(Vec::new()),
        at: RwSignal::new(None),
        playing: RwSignal::new(false),
        run: RwSignal::new(0),
        problem: RwSignal::new(None),
        key: StoredValue::new(format!("sotay-nghe-{document_id}")),
    };
    // Where this device stopped last time (anchor and label), once in the browser; not when
    // that was the very start.
    let resume = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        {
            let saved = browser::listen_position(&listener.key.get_value());
            let found = outline.with_value(|all| {
                let at = all.iter().position(|s| s.anchor == saved).filter(|i| *i > 0)?;
                let s = &all[at];
                Some((s.anchor.clone(), if s.kind == "preamble" { "Phần mở đầu".to_string() } else { s.label.clone() }))
            });
            resume.set(found);
        }
    });
    on_cleanup(stop_speaking);
    let current_label = move || listener.at.get().and_then(|(u, _)| listener.units.with_value(|x| x.get(u).map(|x| x.label.clone())));
    let start = move |_| match (listener.at.get_untracked(), resume.get_untracked()) {
        (Some((unit, _)), _) => listener.play(unit, 0),
        (None, Some((anchor, _))) => listener.play(listener.unit_at(&anchor), 0),
        (None, None) => listener.play(0, 0),
    };
    let step = move |delta: isize| {
        listener.ensure_units();
        let unit = listener.at.get_untracked().map_or(0, |(u, _)| u as isize);
        let last = listener.units.with_value(Vec::len) as isize - 1;
        listener.play((unit + delta).clamp(0, last.max(0)) as usize, 0);
    };
    view! {
        <Show when=move || !empty>
            <div class="listen-controls" role="group" aria-label="Nghe đọc tài liệu" data-testid="listener">
                <Show
                    when=move || listener.playing.get()
                    fallback=move || view! {
                        <button type="button" class="primary" on:click=start data-testid="listen-play">
                            {move || match (listener.at.get(), resume.get()) {
                                (Some(_), _) => format!("Nghe tiếp {}", current_label().unwrap_or_default()),
                                (None, Some((_, label))) => format!("Nghe tiếp từ {label}"),
                                (None, None) => "Nghe đọc tài liệu".to_string(),
                            }}
                        </button>
                    }
                >
                    <button type="button" on:click=move |_| listener.pause() data-testid="listen-pause">"Tạm dừng"</button>
                </Show>
                <button type="button" on:click=move |_| step(-1) disabled=move || listener.at.get().is_none_or(|(u, _)| u == 0)>"‹ Đoạn trước"</button>
                <button type="button" on:click=move |_| step(1) data-testid="listen-next">"Đoạn sau ›"</button>
                <span class="listen-now" aria-live="polite" data-testid="listen-now">
                    {move || current_label().map(|l| format!("Đang đọc: {l}"))}
                </span>
                {move || listener.problem.get().map(|m| view! { <span class="speak-problem" role="alert">{m}</span> })}
            </div>
        </Show>
    }
}
