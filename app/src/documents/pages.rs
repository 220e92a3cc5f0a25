//! Library (list, filters, search) and the reading view.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    DOC_TYPES, DocumentSummary, DocumentView, LEVELS, STATUSES, SearchHit, SectionView, SetPublished, get_document,
    label_of, library,
};
use crate::auth::SessionUser;
use crate::ui::{ErrorBox, Loading, WithUser, date_text, optional_date_text};

#[component]
pub fn LibraryPage() -> impl IntoView {
    view! {
        <Title text="Thư viện tài liệu" />
        <WithUser children=|_user: SessionUser| view! { <Library /> } />
    }
}

#[component]
fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    selected: String,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id=id name=name>
            <option value="">"Tất cả"</option>
            {options.iter().map(|(code, text)| {
                let is_selected = selected == *code;
                view! { <option value=*code selected=is_selected>{*text}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn Library() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let page = Resource::new(
        move || (param("q"), param("loai"), param("cap"), param("hieu-luc"), param("nam")),
        |(q, t, l, s, y)| library(q, t, l, s, y),
    );
    view! {
        <section class="card">
            <h1>"Thư viện tài liệu"</h1>
            <Form method="GET" action="/tai-lieu" attr:class="search-form" attr:role="search">
                <label for="doc-q">"Tìm trong văn bản (gõ có dấu hoặc không dấu)"</label>
                <div class="search-row">
                    <input id="doc-q" name="q" type="search" placeholder="Ví dụ: sinh hoat chi bo" prop:value=move || param("q") />
                    <button type="submit" class="primary">"Tìm"</button>
                </div>
                <details class="filters-box">
                    <summary>"Lọc theo loại, cấp, hiệu lực, năm"</summary>
                    <div class="filters">
                        <FilterSelect id="doc-type" name="loai" label="Loại văn bản" options=&DOC_TYPES selected=param("loai") />
                        <FilterSelect id="doc-level" name="cap" label="Cấp ban hành" options=&LEVELS selected=param("cap") />
                        <FilterSelect id="doc-status" name="hieu-luc" label="Hiệu lực" options=&STATUSES selected=param("hieu-luc") />
                        <label for="doc-year">"Năm ban hành"</label>
                        <input id="doc-year" name="nam" inputmode="numeric" placeholder="Ví dụ: 2025" prop:value=move || param("nam") />
                    </div>
                    <button type="submit">"Áp dụng"</button>
                </details>
            </Form>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) if p.searched => view! { <SearchResults hits=p.hits /> }.into_any(),
                        Ok(p) => view! { <DocumentList documents=p.documents /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Transition>
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
                        <A href=format!("/tai-lieu/{}", d.id) attr:class="doc-title">{d.title.clone()}</A>
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
                    <A href=format!("/tai-lieu/{}#{}", h.document_id, h.anchor) attr:class="doc-title">
                        {h.title.clone()} " — " {h.section_label.clone()}
                    </A>
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
    let publish = ServerAction::<SetPublished>::new();
    let doc = Resource::new(move || (id(), publish.version().get()), |(id, _)| get_document(id));
    view! {
        <WithUser children=move |_user: SessionUser| view! {
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match doc.await {
                        Ok(d) => view! { <Reader doc=d publish /> }.into_any(),
                        Err(error) => view! { <Title text="Tài liệu" /> <ErrorBox error /> }.into_any(),
                    }
                })}
            </Suspense>
        } />
    }
}

const FONT_KEY: &str = "sotay-co-chu";

/// Reading size in percent, remembered on this device.
fn stored_font_size() -> Option<u32> {
    let storage = window().local_storage().ok().flatten()?;
    storage.get_item(FONT_KEY).ok().flatten()?.parse().ok()
}

fn store_font_size(size: u32) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(FONT_KEY, &size.to_string());
    }
}

#[component]
fn Reader(doc: DocumentView, publish: ServerAction<SetPublished>) -> impl IntoView {
    let (font, set_font) = signal(100u32);
    Effect::new(move |_| {
        if let Some(size) = stored_font_size() {
            set_font.set(size.clamp(80, 200));
        }
    });
    let change_font = move |delta: i32| {
        let next = (font.get_untracked() as i32 + delta).clamp(80, 200) as u32;
        set_font.set(next);
        store_font_size(next);
    };
    let s = doc.summary.clone();
    let toc: Vec<SectionView> = doc
        .sections
        .iter()
        .filter(|x| matches!(x.kind.as_str(), "part" | "chapter" | "section" | "article" | "item" | "preamble"))
        .cloned()
        .collect();
    let id = s.id;
    let published = s.published;
    view! {
        <Title text=s.title.clone() />
        <article class="card reader" data-testid="reader">
            <p class="muted"><A href="/tai-lieu">"‹ Thư viện"</A></p>
            <h1>{s.title.clone()}</h1>
            <p class="muted">{doc_meta(&s)}</p>
            <dl class="facts">
                <dt>"Hiệu lực"</dt><dd>{label_of(&STATUSES, &s.status)} " từ " {optional_date_text(doc.effective_on)}</dd>
                <dt>"Chủ đề"</dt><dd>{doc.topics.clone()}</dd>
            </dl>
            {doc.superseded_by.clone().map(|next| view! {
                <div class="alert alert-info">"Văn bản này đã được thay thế bởi "
                    <A href=format!("/tai-lieu/{}", next.id)>{next.title}</A></div>
            })}
            {(!published).then(|| view! { <div class="alert alert-info">"Bản nháp: đảng viên chưa nhìn thấy tài liệu này."</div> })}
            <div class="font-controls" role="group" aria-label="Cỡ chữ">
                <button type="button" on:click=move |_| change_font(-10) aria-label="Giảm cỡ chữ">"A−"</button>
                <span data-testid="font-size">{move || format!("{}%", font.get())}</span>
                <button type="button" on:click=move |_| change_font(10) aria-label="Tăng cỡ chữ">"A+"</button>
            </div>
            {doc.can_manage.then(|| view! {
                <ActionForm action=publish attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="published" value=(!published).to_string() />
                    <button type="submit">{if published { "Thu hồi (chuyển về bản nháp)" } else { "Ban hành" }}</button>
                </ActionForm>
            })}
            {published.then(|| view! { <crate::reading::ReadingPanel document_id=id /> })}
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
                        view! { <li class=format!("toc-depth-{}", x.depth.min(4))><a href=format!("#{}", x.anchor)>{text}</a></li> }
                    }).collect_view()}
                </ul>
            </details>
            <div class="doc-body" style:font-size=move || format!("{}%", font.get())>
                {doc.sections.into_iter().map(|x| view! { <Section section=x /> }).collect_view()}
            </div>
            <p class="muted source">"Nguồn: " {doc.source}</p>
        </article>
    }
}

#[component]
fn Section(section: SectionView) -> impl IntoView {
    let heading = match section.kind.as_str() {
        "part" | "chapter" | "section" => Some(view! {
            <h2>{section.label.clone()} {(!section.heading.is_empty() && section.heading != section.label).then(|| format!(". {}", section.heading))}</h2>
        }.into_any()),
        "article" => Some(view! {
            <h3>{section.label.clone()} "." {(!section.heading.is_empty()).then(|| format!(" {}", section.heading))}</h3>
        }.into_any()),
        "item" if !section.heading.is_empty() => Some(view! { <h4>{format!("{}. {}", section.label.trim_start_matches("Điểm "), section.heading)}</h4> }.into_any()),
        _ => None,
    };
    let prefix = match section.kind.as_str() {
        "clause" => Some(format!("{}. ", section.label.trim_start_matches("Khoản "))),
        "item" if section.heading.is_empty() => Some(format!("{}. ", section.label.trim_start_matches("Điểm "))),
        _ => None,
    };
    let paragraphs: Vec<String> = section.body.lines().map(str::to_string).collect();
    view! {
        <section id=section.anchor.clone() class=format!("doc-section kind-{}", section.kind) data-section-id=section.id>
            {heading}
            {paragraphs.into_iter().enumerate().map(|(i, p)| {
                let lead = if i == 0 { prefix.clone() } else { None };
                view! { <p>{lead.map(|l| view! { <strong>{l}</strong> })}{p}</p> }
            }).collect_view()}
        </section>
    }
}
