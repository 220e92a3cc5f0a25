//! `/xin-y-kien` (list), `/xin-y-kien/moi` (open one), `/xin-y-kien/:id` (the draft, article by
//! article, with the member's comments), `/xin-y-kien/:id/tong-hop` (the committee's digest).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    CommentView, ConsultationForm, ConsultationSummary, ConsultationView, DraftArticle, STANCES, close_consultation, consultation,
    consultation_digest, consultations_home, delete_consultation_comment, new_consultation_data, open_consultation,
    save_consultation_comment,
};
use crate::announcements::AUDIENCES;
use crate::auth::SessionUser;
use crate::common::label_of;
use crate::ui::{BoundField, FieldMessage, FormMessage, Loaded, WithUser, navigate_on_success};

fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)
}

#[component]
fn ConsultationRows(items: Vec<ConsultationSummary>, #[prop(optional)] digest: bool) -> impl IntoView {
    view! {
        <ul class="notification-list">
            {items.into_iter().map(|c| {
                let href = if digest { format!("/xin-y-kien/{}/tong-hop", c.id) } else { format!("/xin-y-kien/{}", c.id) };
                view! {
                    <li>
                        <a href=href>{c.title.clone()}</a>
                        <span class="muted small">" · " {c.unit.name.clone()} " · hạn " {c.closes_on.clone()} " · "</span>
                        <span class=if c.open { "state state-in_progress" } else { "state state-done" }>{c.status.clone()}</span>
                        {(!digest && c.my_comments > 0).then(|| view! { <span class="muted small">{format!(" · đã góp {} ý kiến", c.my_comments)}</span> })}
                        {digest.then(|| view! { <span class="muted small">{format!(" · {} đảng viên được hỏi", c.invitees)}</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| consultations_home());
    view! {
        <Title text="Góp ý dự thảo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=|d| view! {
                <section class="card" data-testid="consultations">
                    <div class="title-row">
                        <h1>"Góp ý dự thảo"</h1>
                        {d.can_open.then(|| view! { <a href="/xin-y-kien/moi" class="button primary">"Lấy ý kiến dự thảo"</a> })}
                    </div>
                    {if d.invited.is_empty() {
                        view! { <p class="muted">"Hiện chưa có dự thảo nào cần đồng chí góp ý."</p> }.into_any()
                    } else {
                        view! { <ConsultationRows items=d.invited.clone() /> }.into_any()
                    }}
                </section>
                {(!d.managed.is_empty()).then(|| view! {
                    <section class="card" data-testid="consultations-managed">
                        <h2>"Các đợt lấy ý kiến do cấp ủy tổ chức"</h2>
                        <ConsultationRows items=d.managed.clone() digest=true />
                    </section>
                })}
            } />
        } />
    }
}

#[component]
pub fn NewConsultationPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| new_consultation_data());
    let query = use_query_map();
    let preselected = move || query.read_untracked().get("tai-lieu").unwrap_or_default();
    view! {
        <Title text="Lấy ý kiến dự thảo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=move |d| view! { <OpenForm data=d preselected=preselected() /> } />
        } />
    }
}

/// The form that opens a consultation: the page's interactive part.
#[crate::ui::interactive]
fn OpenForm(data: super::NewConsultationView, preselected: String) -> impl IntoView {
    let first = data.drafts.iter().find(|d| d.id.to_string() == preselected).or(data.drafts.first()).map_or(String::new(), |d| d.id.to_string());
    let document = RwSignal::new(first);
    let unit = RwSignal::new(data.senders.first().map_or(String::new(), |u| u.id.to_string()));
    let audience = RwSignal::new("all".to_string());
    let closes_on = RwSignal::new(data.default_closes_on.clone());
    let intro = RwSignal::new(String::new());
    let open = Action::new(move |_: &()| {
        let form = ConsultationForm {
            document_id: document.get_untracked().parse().unwrap_or(0),
            unit_id: unit.get_untracked().parse().unwrap_or(0),
            audience: audience.get_untracked(),
            closes_on: closes_on.get_untracked(),
            intro: intro.get_untracked(),
        };
        async move { open_consultation(form).await }
    });
    navigate_on_success(open, |id| format!("/xin-y-kien/{id}"));
    let error = crate::ui::action_error(open);
    if data.drafts.is_empty() {
        return view! {
            <section class="card">
                <h1>"Lấy ý kiến dự thảo"</h1>
                <p class="muted">"Chưa có dự thảo nào để lấy ý kiến. Hãy soạn tài liệu mới (chưa ban hành) trong thư viện trước."</p>
                <p><a href="/tai-lieu/moi">"Soạn tài liệu mới"</a></p>
            </section>
        }
        .into_any();
    }
    let selected = move |v: String| document.with(|d| *d == v);
    view! {
        <section class="card" data-testid="open-consultation">
            <h1>"Lấy ý kiến dự thảo"</h1>
            <div class="field">
                <label for="cs-document">"Dự thảo"</label>
                <select id="cs-document" on:change=move |ev| document.set(event_target_value(&ev))>
                    {data.drafts.into_iter().map(|d| {
                        let v = d.id.to_string();
                        view! { <option value=v.clone() selected=selected(v)>{d.label}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage error field="document_id" />
            </div>
            <div class="field">
                <label for="cs-unit">"Cấp ủy lấy ý kiến"</label>
                <select id="cs-unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                    {data.senders.into_iter().map(|u| view! { <option value=u.id>{u.name}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="cs-audience">"Đối tượng lấy ý kiến"</label>
                <select id="cs-audience" on:change=move |ev| audience.set(event_target_value(&ev))>
                    {AUDIENCES.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                </select>
                <FieldMessage error field="audience" />
            </div>
            <BoundField id="cs-closes" label="Hạn góp ý (hết ngày)" field="closes_on" value=closes_on error input_type="date" />
            <BoundField id="cs-intro" label="Lời đề nghị gửi đảng viên (không bắt buộc)" field="intro" value=intro error rows=4
                hint="Ví dụ: mục đích, những điều cần tập trung góp ý." />
            <FormMessage error />
            <button type="button" class="primary" on:click=move |_| { open.dispatch(()); }>"Mở lấy ý kiến"</button>
        </section>
    }
    .into_any()
}

/// Shared by the article list: the member's comments and which comment form is open.
#[derive(Clone, Copy)]
struct Comments {
    consultation_id: i64,
    mine: RwSignal<Vec<CommentView>>,
    /// (anchor, client id of the comment being edited) of the open form.
    editing: RwSignal<Option<(String, Option<String>)>>,
    can_comment: bool,
}

#[component]
pub fn ConsultationPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(id, consultation);
    view! {
        <Title text="Góp ý dự thảo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=move |v| view! { <Draft view=v /> } />
        } />
    }
}

/// The draft as server HTML; the member's comments, their count and the committee's close
/// button are its interactive parts.
#[component]
fn Draft(view: ConsultationView) -> impl IntoView {
    let s = view.summary.clone();
    let id = s.id;
    view! {
        <DraftComments consultation_id=id mine=view.mine.clone() can_comment=view.can_comment>
            <section class="card" data-testid="consultation">
                <p class="muted"><a href="/xin-y-kien">"‹ Góp ý dự thảo"</a></p>
                <h1>{format!("Dự thảo {}", s.title)}</h1>
                <p class="muted">{s.number.clone()} " · " {s.unit.name.clone()} " lấy ý kiến " {view.audience.to_lowercase()} " · " {view.asked_by.clone()}</p>
                <p data-testid="consultation-status">
                    <strong>{format!("Hạn góp ý: hết ngày {}", s.closes_on)}</strong> " · "
                    <span class=if s.open { "state state-in_progress" } else { "state state-done" }>{s.status.clone()}</span>
                </p>
                {(!view.intro.is_empty()).then(|| view! { <div class="intro">{view.intro.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div> })}
                {view.can_comment.then(|| view! {
                    <p class="hint">"Bấm “Góp ý” dưới từng điều để ghi ý kiến. Ý kiến được gửi đến " {s.unit.name.clone()} " kèm họ tên và chi bộ của đồng chí; đồng chí sửa hoặc rút lại được cho đến hết hạn."</p>
                })}
                <MyCommentCount />
                {view.can_manage.then(|| view! {
                    <div class="actions">
                        <a href=format!("/xin-y-kien/{id}/tong-hop") class="button">"Xem tổng hợp góp ý"</a>
                        {s.open.then(|| view! { <CloseConsultation id /> })}
                    </div>
                })}
            </section>
            <section class="card draft" data-testid="draft">
                <ArticleBlock article=DraftArticle { anchor: String::new(), label: "Góp ý chung về dự thảo".into(), chapter: None, paragraphs: Vec::new() } />
                {view.articles.into_iter().map(|a| view! { <ArticleBlock article=a /> }).collect_view()}
            </section>
        </DraftComments>
    }
}

/// Holds the member's comments for the parts inside it (count, each article's comments).
#[crate::ui::interactive]
fn DraftComments(consultation_id: i64, mine: Vec<CommentView>, can_comment: bool, children: Children) -> impl IntoView {
    provide_context(Comments { consultation_id, mine: RwSignal::new(mine), editing: RwSignal::new(None), can_comment });
    children()
}

#[crate::ui::interactive]
fn MyCommentCount() -> impl IntoView {
    let comments = expect_context::<Comments>();
    view! { <p data-testid="my-count">{move || format!("Đồng chí đã góp {} ý kiến.", comments.mine.read().len())}</p> }
}

/// "Kết thúc lấy ý kiến"; the page shows the new status once it is done.
#[crate::ui::interactive]
fn CloseConsultation(id: i64) -> impl IntoView {
    let close = Action::new(move |id: &i64| close_consultation(*id));
    crate::ui::reload_on_success(close);
    let error = crate::ui::action_error(close);
    view! {
        <button type="button" disabled=move || close.pending().get() on:click=move |_| { close.dispatch(id); }>"Kết thúc lấy ý kiến"</button>
        <FormMessage error />
    }
}

#[component]
fn ArticleBlock(article: DraftArticle) -> impl IntoView {
    let element_id = (!article.anchor.is_empty()).then(|| article.anchor.clone());
    let testid = if article.anchor.is_empty() { "article-general".to_string() } else { format!("article-{}", article.anchor) };
    view! {
        {article.chapter.map(|c| view! { <h2 class="draft-chapter">{c}</h2> })}
        <article class="draft-article" id=element_id data-testid=testid>
            <h3>{article.label.clone()}</h3>
            {article.paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            <ArticleComments anchor=article.anchor />
        </article>
    }
}

/// An article's comments by the member and the form to add one.
#[crate::ui::interactive]
fn ArticleComments(anchor: String) -> impl IntoView {
    let comments = expect_context::<Comments>();
    let a1 = anchor.clone();
    let mine = move || comments.mine.read().iter().filter(|c| c.anchor == a1).cloned().collect::<Vec<_>>();
    let a2 = anchor.clone();
    let adding = move || comments.editing.read().as_ref().is_some_and(|(a, c)| *a == a2 && c.is_none());
    let a3 = anchor.clone();
    let general = anchor.is_empty();
    view! {
        <ul class="my-comments">
            {move || mine().into_iter().map(|c| view! { <MyComment comment=c /> }).collect_view()}
        </ul>
        {move || if adding() {
            view! { <CommentForm anchor=a3.clone() existing=None /> }.into_any()
        } else if comments.can_comment {
            let a = anchor.clone();
            view! {
                <button type="button" class="tool" on:click=move |_| comments.editing.set(Some((a.clone(), None)))>
                    {if general { "Góp ý chung" } else { "Góp ý điều này" }}
                </button>
            }.into_any()
        } else {
            ().into_any()
        }}
    }
}

#[component]
fn MyComment(comment: CommentView) -> impl IntoView {
    let comments = expect_context::<Comments>();
    let cid = comment.client_id.clone();
    let editing = {
        let cid = cid.clone();
        move || comments.editing.read().as_ref().is_some_and(|(_, c)| c.as_deref() == Some(cid.as_str()))
    };
    let remove = Action::new(move |cid: &String| {
        let cid = cid.clone();
        async move {
            let r = delete_consultation_comment(cid.clone()).await;
            if r.is_ok() {
                comments.mine.update(|m| m.retain(|c| c.client_id != cid));
            }
            r
        }
    });
    let error = crate::ui::action_error(remove);
    let c = comment.clone();
    view! {
        <li class="my-comment" data-testid="my-comment">
            {move || if editing() {
                view! { <CommentForm anchor=c.anchor.clone() existing=Some(c.clone()) /> }.into_any()
            } else {
                let (edit_anchor, edit_id, del_id) = (c.anchor.clone(), c.client_id.clone(), c.client_id.clone());
                view! {
                    <p><strong>{label_of(&STANCES, &c.stance)}</strong> <span class="muted small">" · " {c.updated_at.clone()}</span></p>
                    {(!c.body.is_empty()).then(|| view! { <p class="comment-body">{c.body.clone()}</p> })}
                    {comments.can_comment.then(|| view! {
                        <button type="button" class="link" on:click=move |_| comments.editing.set(Some((edit_anchor.clone(), Some(edit_id.clone()))))>"Sửa"</button>
                        <button type="button" class="link" on:click=move |_| { remove.dispatch(del_id.clone()); }>"Rút lại"</button>
                    })}
                    <FormMessage error />
                }.into_any()
            }}
        </li>
    }
}

#[component]
fn CommentForm(anchor: String, existing: Option<CommentView>) -> impl IntoView {
    let comments = expect_context::<Comments>();
    let cid = existing.as_ref().map_or_else(crate::common::client_id::new, |c| c.client_id.clone());
    let stance = RwSignal::new(existing.as_ref().map_or_else(|| "amend".to_string(), |c| c.stance.clone()));
    let body = RwSignal::new(existing.as_ref().map(|c| c.body.clone()).unwrap_or_default());
    let form_id = format!("cm-{}", if anchor.is_empty() { "chung" } else { anchor.as_str() });
    let save = Action::new({
        let (anchor, cid) = (anchor.clone(), cid.clone());
        move |_: &()| {
            let (anchor, cid) = (anchor.clone(), cid.clone());
            let (stance, body) = (stance.get_untracked(), body.get_untracked());
            async move {
                let saved = save_consultation_comment(cid, comments.consultation_id, anchor, stance, body).await?;
                comments.mine.update(|m| match m.iter_mut().find(|c| c.client_id == saved.client_id) {
                    Some(c) => *c = saved.clone(),
                    None => m.push(saved.clone()),
                });
                comments.editing.set(None);
                Ok::<_, crate::error::AppError>(saved)
            }
        }
    });
    let error = crate::ui::action_error(save);
    let stance_name = format!("{form_id}-stance");
    view! {
        <div class="comment-form" data-testid="comment-form">
            <fieldset class="choices">
                <legend>"Ý kiến của đồng chí"</legend>
                {STANCES.iter().map(|(code, label)| {
                    let code = code.to_string();
                    let checked = { let code = code.clone(); move || stance.get() == code };
                    view! {
                        <label class="inline">
                            <input type="radio" name=stance_name.clone() value=code.clone() prop:checked=checked
                                on:change=move |_| stance.set(code.clone()) />
                            {*label}
                        </label>
                    }
                }).collect_view()}
                <FieldMessage error field="stance" />
            </fieldset>
            <BoundField id=format!("{form_id}-body") label="Nội dung góp ý" field="body" value=body error rows=4 />
            <FieldMessage error field="anchor" />
            <FormMessage error />
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| { save.dispatch(()); }>"Gửi góp ý"</button>
                <button type="button" on:click=move |_| comments.editing.set(None)>"Hủy"</button>
            </div>
        </div>
    }
}

#[component]
pub fn ConsultationDigestPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(id, consultation_digest);
    view! {
        <Title text="Tổng hợp góp ý dự thảo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=|d| view! { <Digest digest=d /> } />
        } />
    }
}

#[component]
fn Digest(digest: super::DigestView) -> impl IntoView {
    let s = digest.summary.clone();
    let share = if digest.invitees > 0 { digest.commenters as f64 * 100.0 / digest.invitees as f64 } else { 0.0 };
    view! {
        <section class="card" data-testid="digest">
            <p class="muted"><a href=format!("/xin-y-kien/{}", s.id)>"‹ Dự thảo"</a></p>
            <h1>{format!("Tổng hợp góp ý: {}", s.title)}</h1>
            <p class="muted">{s.unit.name.clone()} " · hạn " {s.closes_on.clone()} " · " {s.status.clone()}</p>
            <p data-testid="digest-totals">
                {format!("{} ý kiến của {} / {} đảng viên được hỏi ({:.1}%).", digest.comments, digest.commenters, digest.invitees, share)}
            </p>
            <p class="actions">
                <a class="button" href=format!("/api/v1/consultation-comments.xlsx?id={}", s.id) download>"Tải về Excel"</a>
                <a class="button" href=format!("/api/v1/consultation-comments.csv?id={}", s.id) download>"Tải về CSV"</a>
            </p>
            <table class="report-table" data-testid="digest-table">
                <thead><tr><th>"Điều"</th><th>"Nhất trí"</th><th>"Đề nghị sửa đổi, bổ sung"</th><th>"Ý kiến khác"</th></tr></thead>
                <tbody>
                    {digest.groups.iter().map(|g| view! {
                        <tr>
                            <td><a href=format!("#y-kien-{}", if g.anchor.is_empty() { "chung" } else { g.anchor.as_str() })>{g.label.clone()}</a></td>
                            <td>{g.agree}</td><td>{g.amend}</td><td>{g.other}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {(!digest.by_unit.is_empty()).then(|| view! {
            <section class="card" data-testid="digest-units">
                <h2>"Tham gia theo đơn vị"</h2>
                <table class="report-table">
                    <thead><tr><th>"Đơn vị"</th><th>"Được lấy ý kiến"</th><th>"Đã góp ý"</th></tr></thead>
                    <tbody>
                        {digest.by_unit.iter().map(|u| view! {
                            <tr><td>{u.unit.name.clone()}</td><td>{u.invitees}</td><td>{u.commenters}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {digest.groups.into_iter().filter(|g| !g.comments.is_empty()).map(|g| { let n = g.comments.len(); view! {
            <section class="card" id=format!("y-kien-{}", if g.anchor.is_empty() { "chung" } else { g.anchor.as_str() }) data-testid="digest-group">
                <h2>{g.label.clone()}</h2>
                <p class="muted">{format!("{} nhất trí · {} đề nghị sửa đổi, bổ sung · {} ý kiến khác", g.agree, g.amend, g.other)}</p>
                // Long lists start folded so a phone can scroll past an article to the next one.
                <details open=n <= 10>
                    <summary>{format!("Xem {n} ý kiến")}</summary>
                    <ul class="digest-comments">
                        {g.comments.into_iter().map(|c| view! {
                            <li>
                                <p><strong>{c.stance}</strong> <span class="muted small">" · " {c.author} " — " {c.unit} " · " {c.at}</span></p>
                                {(!c.body.is_empty()).then(|| view! { <p class="comment-body">{c.body}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            </section>
        }}).collect_view()}
    }
}
