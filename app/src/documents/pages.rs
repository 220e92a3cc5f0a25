//! Library (list, filters, search) and the reading view.

use leptos::portal::Portal;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    DOC_TYPES, DocumentSummary, InPageDocument, LEVELS, ReaderDocument, NoteView, STATUSES, SearchHit, SectionView, SetPublished,
    delete_note, get_document, label_of, library, my_bookmarks, reader_marks, save_note, set_bookmark, set_font_size,
};
use crate::auth::SessionUser;
use crate::error::AppError;
use crate::ui::{Field, FormMessage, Loaded, WithUser, action_error, date_text, optional_date_text};

#[component]
pub fn LibraryPage() -> impl IntoView {
    view! {
        <Title text="Thư viện tài liệu" />
        <WithUser children=|user: SessionUser| {
            let writer = !user.committee_scopes().is_empty();
            view! { <Library writer /> }
        } />
    }
}

/// A labelled select over a (code, label) table; `any` adds an empty "all" choice first.
#[component]
pub(super) fn CodeSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    selected: String,
    #[prop(optional)] any: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id=id name=name>
            {any.map(|text| view! { <option value="">{text}</option> })}
            {options.iter().map(|(code, text)| {
                let is_selected = selected == *code;
                view! { <option value=*code selected=is_selected>{*text}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn Bookmarks() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_bookmarks());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                list.await.ok().filter(|b| !b.is_empty()).map(|b| view! {
                    <details class="bookmarks" data-testid="bookmarks">
                        <summary>{format!("Đã đánh dấu ({})", b.len())}</summary>
                        <ul>
                            {b.into_iter().map(|x| view! {
                                <li><a href=format!("/tai-lieu/{}#{}", x.document_id, x.anchor)>{x.label} " — " {x.document_title}</a></li>
                            }).collect_view()}
                        </ul>
                    </details>
                })
            })}
        </Transition>
    }
}

#[component]
fn Library(writer: bool) -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let page = Resource::new(
        move || (param("q"), param("loai"), param("cap"), param("hieu-luc"), param("nam"), param("co-quan")),
        |(q, t, l, s, y, i)| library(q, t, l, s, y, i),
    );
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Thư viện tài liệu"</h1>
                {writer.then(|| view! { <a href="/tai-lieu/moi" class="button primary">"Soạn tài liệu mới"</a> })}
            </div>
            <Bookmarks />
            <Form method="GET" action="/tai-lieu" attr:class="search-form" attr:role="search">
                <label for="doc-q">"Tìm trong văn bản (gõ có dấu hoặc không dấu)"</label>
                <div class="search-row">
                    <input id="doc-q" name="q" type="search" placeholder="Ví dụ: sinh hoat chi bo" value=move || param("q") />
                    <button type="submit" class="primary">"Tìm"</button>
                </div>
                <details class="filters-box">
                    <summary>"Lọc theo loại, cấp, hiệu lực, năm, cơ quan ban hành"</summary>
                    <div class="filters">
                        <CodeSelect id="doc-type" name="loai" label="Loại văn bản" options=&DOC_TYPES selected=param("loai") any="Tất cả" />
                        <CodeSelect id="doc-level" name="cap" label="Cấp ban hành" options=&LEVELS selected=param("cap") any="Tất cả" />
                        <CodeSelect id="doc-status" name="hieu-luc" label="Hiệu lực" options=&STATUSES selected=param("hieu-luc") any="Tất cả" />
                        <label for="doc-year">"Năm ban hành"</label>
                        <input id="doc-year" name="nam" inputmode="numeric" placeholder="Ví dụ: 2025" value=move || param("nam") />
                        <label for="doc-issuer">"Cơ quan ban hành"</label>
                        <input id="doc-issuer" name="co-quan" placeholder="Ví dụ: Ban Tổ chức Trung ương" value=move || param("co-quan") />
                    </div>
                    <button type="submit">"Áp dụng"</button>
                </details>
            </Form>
            <Loaded resource=page transition=true children=move |p: super::LibraryPage| {
                if p.searched {
                    view! { <SearchResults hits=p.hits /> }.into_any()
                } else {
                    view! { <DocumentList documents=p.documents /> }.into_any()
                }
            } />
        </section>
    }
}

fn doc_meta(d: &DocumentSummary) -> String {
    let mut parts = vec![label_of(&DOC_TYPES, &d.doc_type)];
    if !d.number.is_empty() {
        parts.push(format!("số {}", d.number));
    }
    parts.push(d.issuer.clone());
    if let Some(date) = d.issued_on {
        parts.push(date_text(date));
    }
    parts.join(" · ")
}

#[component]
fn DocumentList(documents: Vec<DocumentSummary>) -> impl IntoView {
    if documents.is_empty() {
        return view! { <p class="muted">"Chưa có tài liệu phù hợp."</p> }.into_any();
    }
    view! {
        <ul class="doc-list" data-testid="doc-list">
            {documents.into_iter().map(|d| {
                let meta = doc_meta(&d);
                view! {
                    <li class="doc-row">
                        <a href=format!("/tai-lieu/{}", d.id) class="doc-title">{d.title.clone()}</a>
                        {(!d.published).then(|| view! { <span class="badge">"Bản nháp"</span> })}
                        {(d.status != "in_force").then(|| view! { <span class="badge">{label_of(&STATUSES, &d.status)}</span> })}
                        <span class="muted">{meta}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn SearchResults(hits: Vec<SearchHit>) -> impl IntoView {
    if hits.is_empty() {
        return view! { <p class="muted" data-testid="no-hits">"Không tìm thấy đoạn văn bản nào phù hợp."</p> }.into_any();
    }
    view! {
        <p class="muted">"Các đoạn phù hợp nhất:"</p>
        <ol class="hits" data-testid="hits">
            {hits.into_iter().map(|h| view! {
                <li class="hit">
                    <a href=format!("/tai-lieu/{}#{}", h.document_id, h.anchor) class="doc-title">
                        {h.title.clone()} " — " {h.section_label.clone()}
                    </a>
                    {(!h.number.is_empty()).then(|| view! { <span class="muted">" (" {h.number.clone()} ")"</span> })}
                    <p class="snippet">
                        {h.snippet.into_iter().map(|part| if part.hit {
                            view! { <mark>{part.text}</mark> }.into_any()
                        } else {
                            part.text.into_any()
                        }).collect_view()}
                    </p>
                </li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    // The document and the reader's own marks arrive together, so the page is drawn (and
    // hydrated) with the marks in place; the page's data leaves the body's HTML out, since the
    // page holds it as HTML already.
    let page = Resource::new(id, |id| async move {
        let doc = InPageDocument(get_document(id).await?);
        // Marks that cannot be loaded (already logged by the server) leave the text readable.
        let marks = reader_marks(id).await.unwrap_or_default();
        Ok(ReaderPage { doc, marks })
    });
    // A fully hydrated app creates what the reading panel loads here, next to the document,
    // never inside it; an island of an islands build loads its own.
    let reading = (!cfg!(feature = "islands")).then(|| crate::reading::ReadingResources::new(id));
    view! {
        <WithUser children=move |user: SessionUser| view! {
            <Loaded resource=page error_title="Tài liệu" children=move |p: ReaderPage| view! {
                <Reader doc=p.doc.0 marks=p.marks reading member_id=user.member_id />
            } />
        } />
    }
}

/// A document page's data: the document (without its body's HTML) and the reader's marks on it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct ReaderPage {
    doc: InPageDocument,
    marks: super::MyMarks,
}

const FONT_KEY: &str = "sotay-co-chu";

/// Reading size in percent, remembered on this device (the server copy wins when present).
fn stored_font_size() -> Option<u32> {
    let storage = window().local_storage().ok().flatten()?;
    storage.get_item(FONT_KEY).ok().flatten()?.parse().ok()
}

fn store_font_size(size: u32) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(FONT_KEY, &size.to_string());
    }
}

/// The reader's own marks, shared with every section of the page.
#[derive(Clone, Copy)]
struct Marks {
    bookmarks: RwSignal<Vec<i64>>,
    notes: RwSignal<Vec<NoteView>>,
    /// The section whose note form is open.
    editing: RwSignal<Option<i64>>,
    /// The passage selected when the note button was pressed (taken before the press can
    /// clear the selection).
    quote: RwSignal<String>,
    /// The body's element once it exists (opened from another page, the marks are applied to
    /// it before it joins the document).
    body: NodeRef<leptos::html::Div>,
    /// Reading size in percent.
    font: RwSignal<u32>,
}

impl Marks {
    /// Bookmarks the section or takes the bookmark away, at once on the page; the server's
    /// refusal puts it back.
    #[cfg_attr(feature = "ssr", allow(dead_code))]
    fn toggle_bookmark(self, sid: i64) {
        let on = !self.bookmarks.read_untracked().contains(&sid);
        self.bookmarks.update(|b| if on { b.push(sid) } else { b.retain(|x| *x != sid) });
        leptos::task::spawn_local(async move {
            if set_bookmark(sid, on).await.is_err() {
                self.bookmarks.update(|b| if on { b.retain(|x| *x != sid) } else { b.push(sid) });
            }
        });
    }

    /// Sections showing something of this reader's under their text: notes, or the note form.
    fn sections_with_marks(self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.notes.read().iter().map(|n| n.section_id).collect();
        ids.extend(self.editing.get());
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Each section's notes and note form, placed under that section's text in the body's HTML.
#[component]
fn SectionMarks() -> impl IntoView {
    let marks = expect_context::<Marks>();
    // Placed once the page is interactive: the server's HTML has no such places to fill.
    let placed = RwSignal::new(false);
    Effect::new(move |_| placed.set(true));
    view! {
        <For each=move || if placed.get() && marks.body.get().is_some() { marks.sections_with_marks() } else { Vec::new() } key=|id| *id let(sid)>
            {
                #[cfg(not(feature = "ssr"))]
                let slot = marks.body.get_untracked().and_then(|body| super::body::browser::marks_slot(&body, sid));
                #[cfg(feature = "ssr")]
                let slot: Option<web_sys::Element> = None;
                slot.map(|mount| view! {
                    <Portal mount>
                        <SectionNotes section_id=sid />
                        {move || (marks.editing.get() == Some(sid)).then(|| view! { <NoteForm section_id=sid /> })}
                    </Portal>
                })
            }
        </For>
    }
}

/// The selected text if it lies inside the given section.
#[cfg(not(feature = "ssr"))]
fn selection_in_section(section_id: i64) -> String {
    let selected = selected_text();
    let inside = document()
        .query_selector(&format!("section[data-section-id=\"{section_id}\"]"))
        .ok()
        .flatten()
        .and_then(|el| el.text_content())
        .is_some_and(|t| !selected.is_empty() && t.contains(&selected));
    if inside { selected.chars().take(2000).collect() } else { String::new() }
}

/// Text the reader has selected, if any (the passage a note highlights).
#[cfg(not(feature = "ssr"))]
fn selected_text() -> String {
    window().get_selection().ok().flatten().and_then(|s| s.to_string().as_string()).unwrap_or_default().trim().to_string()
}

/// The reading page: the document as the server renders it, with the reader's tools
/// (`ReaderTools`, `ReaderBody`, `MyNotes`, the reading panel, the listener, the manager's row)
/// as the page's interactive parts.
#[component]
fn Reader(
    doc: ReaderDocument,
    marks: super::MyMarks,
    reading: Option<crate::reading::ReadingResources>,
    member_id: i64,
) -> impl IntoView {
    let ReaderDocument { view: doc, body_html } = doc;
    // Hydrating a fully hydrated app, the body's HTML is already in the page (its data leaves
    // it out); opened from another page, it comes with the document.
    #[cfg(not(feature = "ssr"))]
    let body_html = if body_html.is_empty() { super::body::browser::html_in_page() } else { body_html };
    let s = doc.summary.clone();
    let id = s.id;
    let published = s.published;
    let toc: Vec<SectionView> = doc
        .sections
        .iter()
        .filter(|x| matches!(x.kind.as_str(), "part" | "chapter" | "section" | "article" | "item" | "preamble"))
        .cloned()
        .collect();
    let (replaces, related) = (doc.replaces.clone(), doc.related.clone());
    let outline: Vec<SectionView> = doc.sections.clone();
    let title = s.title.clone();
    let panel = published.then(move || match reading {
        Some(data) => view! { <crate::reading::ReadingPanel document_id=id title data member_id /> }.into_any(),
        None => view! { <crate::reading::ReadingPanelIsland document_id=id title member_id /> }.into_any(),
    });
    view! {
        <Title text=s.title.clone() />
        <article class="card reader" data-testid="reader">
            <p class="muted"><a href="/tai-lieu">"‹ Thư viện"</a></p>
            <h1>{s.title.clone()}</h1>
            <p class="muted">{doc_meta(&s)}</p>
            <dl class="facts">
                <dt>"Hiệu lực"</dt><dd data-testid="doc-status">{label_of(&STATUSES, &s.status)} " từ " {optional_date_text(doc.effective_on)}</dd>
                <dt>"Chủ đề"</dt><dd>{doc.topics.clone()}</dd>
                <dt>"Phiên bản"</dt><dd>{doc.version}</dd>
            </dl>
            {doc.superseded_by.clone().map(|next| view! {
                <div class="alert alert-info" data-testid="superseded-by">"Văn bản này đã được thay thế bởi "
                    <a href=format!("/tai-lieu/{}", next.id)>{next.title}</a></div>
            })}
            {(!replaces.is_empty()).then(move || view! {
                <p class="muted" data-testid="replaces">"Thay thế: "
                    {replaces.into_iter().map(|r| view! { <a href=format!("/tai-lieu/{}", r.id)>{r.title.clone()}</a> " " }).collect_view()}
                </p>
            })}
            {(!published).then(|| view! { <div class="alert alert-info">"Bản nháp: đảng viên chưa nhìn thấy tài liệu này."</div> })}
            <ReaderTools marks>
                {doc.can_manage.then(|| view! { <ManageDocument document_id=id published /> })}
                {panel}
                <crate::assistant::DocumentListener document_id=id sections=outline />
                <details class="toc" open>
                    <summary>"Mục lục"</summary>
                    <ul>
                        {toc.into_iter().map(|x| {
                            let text = if x.kind == "preamble" {
                                "Phần mở đầu".to_string()
                            } else if x.heading.is_empty() || x.label == x.heading {
                                x.label.clone()
                            } else {
                                format!("{}. {}", x.label, x.heading)
                            };
                            // The star of a bookmarked section is added in the browser.
                            view! {
                                <li class=format!("toc-depth-{}", x.depth.min(4)) data-section-id=x.id>
                                    <a href=format!("#{}", x.anchor)>{text}</a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </details>
                <MyNotes />
                <ReaderBody>
                    <div id=super::body::TEXT_ID inner_html=body_html></div>
                </ReaderBody>
            </ReaderTools>
            {(!doc.attachments.is_empty()).then(move || view! {
                <section class="attachments-box">
                    <h2>"Tệp đính kèm"</h2>
                    <ul data-testid="reader-attachments">
                        {doc.attachments.iter().map(|a| view! {
                            <li><a href=format!("/tep/{}", a.id) target="_blank">{a.file_name.clone()}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!related.is_empty()).then(move || view! {
                <section class="related">
                    <h2>"Tài liệu liên quan"</h2>
                    <ul data-testid="related">
                        {related.into_iter().map(|r| {
                            let meta = doc_meta(&r);
                            view! { <li><a href=format!("/tai-lieu/{}", r.id)>{r.title}</a> " " <span class="muted">{meta}</span></li> }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <p class="muted source">"Nguồn: " {doc.source}</p>
        </article>
    }
}

/// The reader's marks and reading size: shared by the tools inside (`children`), which the
/// server renders; shown on the body's HTML whenever they change.
#[crate::ui::interactive]
fn ReaderTools(marks: super::MyMarks, children: Children) -> impl IntoView {
    let saved_font = marks.font_percent.map(|size| size.clamp(80, 200) as u32);
    let font = RwSignal::new(saved_font.unwrap_or(100));
    let marks = Marks {
        bookmarks: RwSignal::new(marks.bookmarks),
        notes: RwSignal::new(marks.notes),
        editing: RwSignal::new(None),
        quote: RwSignal::new(String::new()),
        body: NodeRef::new(),
        font,
    };
    provide_context(marks);
    // The server's copy of the reading size wins; without one, this device's.
    Effect::new(move |_| match saved_font {
        Some(size) => store_font_size(size),
        None => {
            if let Some(size) = stored_font_size() {
                font.set(size.clamp(80, 200));
            }
        }
    });
    Effect::new(move |_| {
        let bookmarks = marks.bookmarks.get();
        #[cfg(not(feature = "ssr"))]
        if let Some(body) = marks.body.get() {
            super::body::browser::show_bookmarks(&body, &bookmarks);
        }
        drop(bookmarks);
    });
    Effect::new(move |_| {
        let notes = marks.notes.get();
        #[cfg(not(feature = "ssr"))]
        if let Some(body) = marks.body.get() {
            super::body::browser::show_highlights(&body, &notes);
        }
        drop(notes);
    });
    let change_font = move |delta: i32| {
        let next = (font.get_untracked() as i32 + delta).clamp(80, 200) as u32;
        font.set(next);
        store_font_size(next);
        leptos::task::spawn_local(async move {
            let _ = set_font_size(next as i32).await;
        });
    };
    view! {
        <div class="font-controls" role="group" aria-label="Cỡ chữ">
            <button type="button" on:click=move |_| change_font(-10) title="Giảm cỡ chữ">"A−"<span class="sr-only">" Giảm cỡ chữ"</span></button>
            <span data-testid="font-size">{move || format!("{}%", font.get())}</span>
            <button type="button" on:click=move |_| change_font(10) title="Tăng cỡ chữ">"A+"<span class="sr-only">" Tăng cỡ chữ"</span></button>
        </div>
        {children()}
    }
}

/// The body's element: its size, one listener for every tool button in it, and each section's
/// notes and note form.
#[crate::ui::interactive]
fn ReaderBody(children: Children) -> impl IntoView {
    let marks = expect_context::<Marks>();
    let pressed = move |ev: leptos::ev::PointerEvent| {
        #[cfg(not(feature = "ssr"))]
        if let Some(super::body::Tool::Note(sid)) = super::body::browser::tool_of(&ev) {
            // Taken before the press can clear the selection.
            marks.quote.set(selection_in_section(sid));
        }
        #[cfg(feature = "ssr")]
        drop(ev);
    };
    let clicked = move |ev: leptos::ev::MouseEvent| {
        #[cfg(not(feature = "ssr"))]
        match super::body::browser::tool_of(&ev) {
            Some(super::body::Tool::Bookmark(sid)) => marks.toggle_bookmark(sid),
            Some(super::body::Tool::Note(sid)) => {
                if marks.quote.get_untracked().is_empty() {
                    marks.quote.set(selection_in_section(sid));
                }
                marks.editing.set(Some(sid));
            }
            None => {}
        }
        #[cfg(feature = "ssr")]
        drop(ev);
    };
    view! {
        <div id=super::body::BODY_ID node_ref=marks.body class="doc-body" style:font-size=move || format!("{}%", marks.font.get())
            on:pointerdown=pressed on:click=clicked>{children()}</div>
        <SectionMarks />
    }
}

/// Publishing, withdrawing and assigning the document, for those who manage it. A change loads
/// the page again (it changes what the page shows throughout).
#[crate::ui::interactive]
fn ManageDocument(document_id: i64, published: bool) -> impl IntoView {
    let publish = ServerAction::<SetPublished>::new();
    crate::ui::reload_on_success(*publish);
    let id = document_id;
    view! {
        <div class="manage-row">
            <a href=format!("/tai-lieu/{id}/sua") class="button">"Sửa tài liệu"</a>
            <ActionForm action=publish attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="published" value=(!published).to_string() />
                <button type="submit">{if published { "Thu hồi (chuyển về bản nháp)" } else { "Ban hành" }}</button>
            </ActionForm>
            {(!published).then(|| view! {
                <a href=format!("/xin-y-kien/moi?tai-lieu={id}") class="button">"Lấy ý kiến dự thảo"</a>
            })}
        </div>
        <FormMessage error=action_error(publish) />
        {published.then(|| view! { <AssignForm document_id=id /> })}
    }
}

/// The committee assigns the document as required reading to a unit's subtree.
#[component]
fn AssignForm(document_id: i64) -> impl IntoView {
    let assign = ServerAction::<crate::reading::AssignReadingByCode>::new();
    let error = action_error(assign);
    view! {
        <details class="assign-box">
            <summary>"Giao đọc bắt buộc"</summary>
            <ActionForm action=assign attr:class="form" attr:novalidate=true>
                <input type="hidden" name="document_id" value=document_id />
                <FormMessage error />
                <Field id="assign-unit" name="unit_code" field="unit_code" label="Mã đơn vị (giao cho toàn bộ đảng viên trực thuộc)" error placeholder="Ví dụ: PH" />
                <Field id="assign-due" name="due_on" field="due_on" label="Hạn đọc" error input_type="date" />
                <button type="submit" class="primary">"Giao đọc"</button>
                {move || match assign.value().get() {
                    Some(Ok(aid)) => Some(view! {
                        <p class="alert alert-success" role="status">"Đã giao đọc. " <a href=format!("/bao-cao-doc/{aid}")>"Xem báo cáo"</a></p>
                    }),
                    _ => None,
                }}
            </ActionForm>
        </details>
    }
}

/// The reader's notes on this document, each linking to its passage.
#[crate::ui::interactive]
fn MyNotes() -> impl IntoView {
    let marks = expect_context::<Marks>();
    view! {
        {move || {
            let notes = marks.notes.get();
            (!notes.is_empty()).then(|| {
                view! {
                    <details class="my-notes" data-testid="my-notes">
                        <summary>{format!("Ghi chú của tôi ({})", notes.len())}</summary>
                        <ul>
                            {notes.into_iter().map(|n| {
                                view! {
                                    <li><a href=format!("#{}", n.anchor)>{n.label.clone()}</a> ": "
                                        {(!n.quote.is_empty()).then(|| view! { <q>{n.quote.clone()}</q> " " })}
                                        {n.note.clone()}</li>
                                }
                            }).collect_view()}
                        </ul>
                    </details>
                }
            })
        }}
    }
}

#[component]
fn SectionNotes(section_id: i64) -> impl IntoView {
    let marks = expect_context::<Marks>();
    move || {
        let notes: Vec<NoteView> = marks.notes.read().iter().filter(|n| n.section_id == section_id).cloned().collect();
        (!notes.is_empty()).then(|| view! {
            <ul class="section-notes" data-testid="section-notes">
                {notes.into_iter().map(|n| {
                    let nid = n.id;
                    view! {
                        <li class="note">
                            {(!n.quote.is_empty()).then(|| view! { <q>{n.quote.clone()}</q> })}
                            <p>{n.note.clone()}</p>
                            <span class="muted small">{n.updated_at.clone()}</span>
                            <button type="button" class="tool" on:click=move |_| {
                                leptos::task::spawn_local(async move {
                                    if delete_note(nid).await.is_ok() {
                                        marks.notes.update(|all| all.retain(|x| x.id != nid));
                                    }
                                });
                            }>"Xóa"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })
    }
}

/// A private note on the section; the passage selected when the form opened is highlighted.
#[component]
fn NoteForm(section_id: i64) -> impl IntoView {
    let marks = expect_context::<Marks>();
    let quote = RwSignal::new(marks.quote.get_untracked());
    marks.quote.set(String::new());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let note_id = crate::common::client_id::new();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note_id = note_id.clone();
        leptos::task::spawn_local(async move {
            match save_note(note_id, section_id, quote.get_untracked(), text.get_untracked()).await {
                Ok(saved) => {
                    marks.notes.update(|all| {
                        all.retain(|n| n.id != saved.id);
                        all.push(saved);
                    });
                    marks.editing.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="note-form" on:submit=save data-testid="note-form">
            {move || (!quote.get().is_empty()).then(|| view! { <p class="muted">"Đoạn đánh dấu: " <q>{quote.get()}</q></p> })}
            <label for=format!("note-{section_id}")>"Ghi chú riêng (chỉ đồng chí xem được)"</label>
            <textarea id=format!("note-{section_id}") rows="3" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e.field_message("note").or(e.field_message("quote")).unwrap_or_else(|| e.to_string())}</p> })}
            <div class="row">
                <button type="submit" class="primary">"Lưu ghi chú"</button>
                <button type="button" on:click=move |_| marks.editing.set(None)>"Hủy"</button>
            </div>
        </form>
    }
}
