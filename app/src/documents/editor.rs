//! The committee's editor: metadata, audience, the body as structured text, an optional
//! comprehension check, attachments and the version history. New documents start as drafts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::pages::CodeSelect;
use super::{DOC_TYPES, DocumentDraft, EditorData, LEVELS, STATUSES, SaveDocument, document_editor};
use crate::auth::SessionUser;
use crate::ui::{Field, FieldMessage, FormMessage, Loaded, WithUser, action_error};

/// `/tai-lieu/moi` and `/tai-lieu/:id/sua`.
#[component]
pub fn DocumentEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let data = Resource::new(id, document_editor);
    view! {
        <Title text=move || if id().is_some() { "Sửa tài liệu" } else { "Soạn tài liệu mới" } />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=|d| view! { <Editor data=d /> } />
        } />
    }
}

/// Upload outcome passed back by the multipart endpoints in the query string.
#[component]
fn UploadMessage() -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(error) = q.get("loi-tep") {
            Some(view! { <div class="alert alert-error" role="alert">{error}</div> }.into_any())
        } else if q.get("tep").is_some() {
            Some(view! { <div class="alert alert-success" role="status">"Đã lưu tệp đính kèm."</div> }.into_any())
        } else {
            None
        }
    }
}

#[component]
fn Editor(data: EditorData) -> impl IntoView {
    let editing = data.draft.id;
    view! {
        <section class="card">
            <p class="muted"><a href=editing.map(|id| format!("/tai-lieu/{id}")).unwrap_or_else(|| "/tai-lieu".into())>"‹ Quay lại"</a></p>
            <h1>{if editing.is_some() { "Sửa tài liệu" } else { "Soạn tài liệu mới" }}</h1>
            <UploadMessage />
            {editing.is_none().then(|| view! { <ImportForm owners=data.owners.clone() /> })}
            <EditorForm draft=data.draft owners=data.owners replaceable=data.replaceable />
        </section>
        {editing.map(|id| view! { <AttachmentsEditor id attachments=data.attachments.clone() /> })}
        {(!data.versions.is_empty()).then(|| view! {
            <section class="card">
                <h2>"Lịch sử phiên bản"</h2>
                <ol class="versions" data-testid="versions" reversed>
                    {data.versions.iter().map(|v| view! {
                        <li>
                            <strong>{format!("Phiên bản {}", v.version)}</strong>
                            " · " {v.edited_at.clone()} " · " {v.edited_by.clone()}
                            {(!v.change_note.is_empty()).then(|| view! { <span class="muted">" — " {v.change_note.clone()}</span> })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
    }
}

/// The document's form: the editor's interactive part (the server sends the committee to the
/// document once saved).
#[crate::ui::interactive]
fn EditorForm(draft: DocumentDraft, owners: Vec<crate::units::UnitRef>, replaceable: Vec<super::DocumentSummary>) -> impl IntoView {
    let save = ServerAction::<SaveDocument>::new();
    let error = action_error(save);
    let d = draft;
    let editing = d.id;
    let audience_all = d.audience_all == "true";
    let data = (owners, replaceable);
    view! {
            <ActionForm action=save attr:class="form editor" attr:novalidate=true attr:data-testid="editor-form">
                {editing.map(|id| view! { <input type="hidden" name="draft[id]" value=id /> })}
                <FormMessage error />
                <label for="ed-owner">"Cấp ủy quản lý tài liệu"</label>
                <select id="ed-owner" name="draft[owner_unit_id]">
                    {data.0.iter().map(|u| view! {
                        <option value=u.id selected=u.id == d.owner_unit_id>{u.name.clone()}</option>
                    }).collect_view()}
                </select>
                <Field id="ed-title" name="draft[title]" field="title" label="Tên tài liệu" error value=d.title.clone() />
                <Field id="ed-number" name="draft[number]" field="number" label="Số, ký hiệu (ví dụ: 12-HD/BTCTW)" error value=d.number.clone() />
                <CodeSelect id="ed-type" name="draft[doc_type]" label="Loại văn bản" options=&DOC_TYPES selected=d.doc_type.clone() />
                <CodeSelect id="ed-level" name="draft[level]" label="Cấp ban hành" options=&LEVELS selected=d.level.clone() />
                <Field id="ed-issuer" name="draft[issuer]" field="issuer" label="Cơ quan ban hành" error value=d.issuer.clone() />
                <Field id="ed-issued" name="draft[issued_on]" field="issued_on" label="Ngày ban hành (ngày/tháng/năm)" error value=d.issued_on.clone() placeholder="19/11/2025" />
                <Field id="ed-effective" name="draft[effective_on]" field="effective_on" label="Ngày có hiệu lực (để trống nếu cùng ngày ban hành)" error value=d.effective_on.clone() />
                <CodeSelect id="ed-status" name="draft[status]" label="Tình trạng hiệu lực" options=&STATUSES selected=d.status.clone() />
                <Field id="ed-topics" name="draft[topics]" field="topics" label="Chủ đề (cách nhau bởi dấu phẩy)" error value=d.topics.clone() />
                <fieldset>
                    <legend>"Phổ biến đến"</legend>
                    <label class="choice"><input type="radio" name="draft[audience_all]" value="true" checked=audience_all />" Toàn thể đảng viên"</label>
                    <label class="choice"><input type="radio" name="draft[audience_all]" value="false" checked=!audience_all />" Chỉ các đơn vị có mã sau (và đơn vị trực thuộc)"</label>
                    <input id="ed-audience" name="draft[audience_codes]" value=d.audience_codes.clone() placeholder="Ví dụ: PH, PH.05" aria-label="Mã đơn vị nhận tài liệu" />
                    <FieldMessage error field="audience_codes" />
                </fieldset>
                <label for="ed-supersedes">"Thay thế văn bản"</label>
                <select id="ed-supersedes" name="draft[supersedes]">
                    <option value="">"— Không thay thế văn bản nào —"</option>
                    {data.1.iter().map(|r| {
                        let selected = d.supersedes == r.id.to_string();
                        let text = if r.number.is_empty() { r.title.clone() } else { format!("{} ({})", r.title, r.number) };
                        view! { <option value=r.id selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage error field="supersedes" />
                <label for="ed-text">"Nội dung"</label>
                <p class="muted small">"Mỗi chương, điều, khoản một dòng: “Chương I”, “Điều 1. …”, “1. …”, “a) …”. Hệ thống tự nhận cấu trúc để tạo mục lục và liên kết đến từng điều."</p>
                <textarea id="ed-text" name="draft[text]" rows="18">{d.text.clone()}</textarea>
                <FieldMessage error field="text" />
                <details class="quiz-editor" open=!d.quiz.is_empty()>
                    <summary>"Câu hỏi kiểm tra sau khi đọc (không bắt buộc)"</summary>
                    <p class="muted small">"Mỗi câu hỏi một dòng, tiếp theo là các lựa chọn: “- ” lựa chọn sai, “* ” đáp án đúng. Cách một dòng trống giữa các câu."</p>
                    <textarea id="ed-quiz" name="draft[quiz]" rows="8" placeholder="Chi bộ sinh hoạt thường kỳ bao lâu một lần?\n- Mỗi quý một lần\n* Mỗi tháng một lần">{d.quiz.clone()}</textarea>
                    <FieldMessage error field="quiz" />
                    <Field id="ed-pass" name="draft[quiz_pass_percent]" field="quiz_pass_percent" label="Điểm đạt (% số câu trả lời đúng)" error value=d.quiz_pass_percent.clone() inputmode="numeric" />
                </details>
                <Field id="ed-note" name="draft[change_note]" field="change_note" label="Ghi chú thay đổi (lưu trong lịch sử phiên bản)" error value=String::new() />
                <button type="submit" class="primary">{if editing.is_some() { "Lưu phiên bản mới" } else { "Lưu bản nháp" }}</button>
            </ActionForm>
    }
}

/// A plain multipart form: works before the page's script loads.
#[component]
fn ImportForm(owners: Vec<crate::units::UnitRef>) -> impl IntoView {
    view! {
        <details class="import-box">
            <summary>"Nhập từ tệp (.docx, .html, .txt, .md)"</summary>
            <form method="post" action="/api/v1/documents/import" enctype="multipart/form-data" class="form">
                <label for="imp-owner">"Cấp ủy quản lý"</label>
                <select id="imp-owner" name="owner_unit_id">
                    {owners.into_iter().map(|u| view! { <option value=u.id>{u.name}</option> }).collect_view()}
                </select>
                <label for="imp-file">"Tệp văn bản"</label>
                <input id="imp-file" name="file" type="file" accept=".docx,.html,.htm,.txt,.md" required />
                <p class="muted small">"Số, ngày, loại và tên văn bản được đọc từ phần đầu văn bản; đồng chí kiểm tra lại trước khi ban hành."</p>
                <button type="submit">"Nhập thành bản nháp"</button>
            </form>
        </details>
    }
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[crate::ui::interactive]
fn AttachmentsEditor(id: i64, attachments: Vec<super::AttachmentInfo>) -> impl IntoView {
    let gone = RwSignal::new(Vec::<i64>::new());
    let remove = Action::new(move |aid: &i64| {
        let aid = *aid;
        async move {
            let result = super::delete_attachment(aid).await;
            if result.is_ok() {
                gone.update(|g| g.push(aid));
            }
            result
        }
    });
    let error = crate::ui::action_error(remove);
    view! {
        <section class="card" id="tep-dinh-kem">
            <h2>"Tệp đính kèm"</h2>
            <FormMessage error />
            <ul class="attachments" data-testid="attachments">
                {attachments.into_iter().map(|a| {
                    let aid = a.id;
                    view! {
                        <li class:hidden=move || gone.read().contains(&aid)>
                            <a href=format!("/tep/{}", a.id) target="_blank">{a.file_name.clone()}</a>
                            <span class="muted">" · " {size_text(a.size_bytes)} " · SHA-256 " <code>{a.sha256[..12].to_string()}</code></span>
                            <button type="button" on:click=move |_| { remove.dispatch(aid); }>"Gỡ"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form method="post" action=format!("/api/v1/documents/{id}/attachments") enctype="multipart/form-data" class="form">
                <label for="att-file">"Thêm tệp PDF hoặc ảnh (tối đa 20 MB)"</label>
                <input id="att-file" name="file" type="file" accept=".pdf,.png,.jpg,.jpeg,.gif,.webp" required />
                <button type="submit">"Tải lên"</button>
            </form>
        </section>
    }
}
