//! The activation-codes page of a cell: whose accounts are active, a round of codes for the
//! chosen members, printed as slips to hand out at the cell meeting or downloaded as a workbook.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{AccountState, CellAccounts, IssueActivationCodes, IssuedCodes, get_cell_accounts};
use crate::auth::SessionUser;
use crate::ui::{FormMessage, Loaded, WithUser, action_error, date_text};

#[component]
pub fn ActivationCodesPage() -> impl IntoView {
    let query = use_query_map();
    let unit_id = move || query.read().get("don-vi").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    view! {
        <Title text="Mã kích hoạt tài khoản" />
        <WithUser children=move |_user: SessionUser| {
            let accounts = Resource::new(unit_id, get_cell_accounts);
            view! {
                <Loaded resource=accounts error_title="Mã kích hoạt tài khoản" children=move |accounts: CellAccounts| view! {
                    <section class="card">
                        <div class="no-print">
                            <h1>"Mã kích hoạt tài khoản"</h1>
                            <p class="lead">{accounts.unit.name.clone()}</p>
                            <p class="hint">
                                "Mỗi đảng viên kích hoạt tài khoản bằng số thẻ đảng viên và mã của mình, rồi tự đặt mật khẩu: "
                                "không ai khác biết mật khẩu đó. Mã chỉ hiện một lần ở đây, dùng được một lần trong 30 ngày. "
                                "Cấp mã mới cho một người thì mã cũ, mật khẩu cũ của người đó hết hiệu lực."
                            </p>
                        </div>
                        <AccountsPanel accounts />
                    </section>
                } />
            }
        } />
    }
}

/// The table of members with their choice boxes, and the slips once codes are issued: the
/// page's interactive part.
#[crate::ui::interactive]
fn AccountsPanel(accounts: CellAccounts) -> impl IntoView {
    let unit_id = accounts.unit.id;
    let rows = RwSignal::new(accounts.rows);
    let picked = RwSignal::new(
        rows.get_untracked().iter().filter(|r| r.may_issue && r.state.needs_code()).map(|r| r.member_id).collect::<HashSet<i64>>(),
    );
    let issue = ServerAction::<IssueActivationCodes>::new();
    let error = action_error(issue);
    // The last round stays on the page even if a later attempt fails: its codes show only here.
    let last = RwSignal::new(None::<IssuedCodes>);
    // Picking someone who already signs in ends their password: said, and agreed to, first.
    let agreed = RwSignal::new(false);
    // Codes just issued change the table's states without asking the server again.
    Effect::new(move |_| {
        if let Some(Ok(batch)) = issue.value().get() {
            let given: HashSet<i64> = batch.codes.iter().map(|c| c.member_id).collect();
            rows.update(|rows| {
                for r in rows.iter_mut().filter(|r| given.contains(&r.member_id)) {
                    r.state = AccountState::CodeIssued(batch.expires_on);
                }
            });
            picked.set(HashSet::new());
            agreed.set(false);
            last.set(Some(batch));
        }
    });
    let pick_pending = move |_| {
        picked.set(rows.get().iter().filter(|r| r.may_issue && r.state.needs_code()).map(|r| r.member_id).collect());
    };
    let issue_now = move |_| {
        let mut member_ids: Vec<i64> = picked.get().into_iter().collect();
        member_ids.sort_unstable();
        issue.dispatch(IssueActivationCodes { unit_id, member_ids });
    };
    let count = move || picked.get().len();
    let replacing = move || {
        let picked = picked.get();
        rows.get().iter().filter(|r| picked.contains(&r.member_id) && r.state == AccountState::Active).count()
    };
    view! {
        <div class="no-print">
            <p class="muted" data-testid="account-summary">
                {move || {
                    let rows = rows.get();
                    let active = rows.iter().filter(|r| r.state == AccountState::Active).count();
                    format!("{} đảng viên · {} đã kích hoạt · {} chưa kích hoạt", rows.len(), active, rows.len() - active)
                }}
            </p>
            <table class="report-table" data-testid="accounts">
                <thead><tr><th>"Chọn"</th><th>"Họ và tên"</th><th>"Số thẻ"</th><th>"Tài khoản"</th></tr></thead>
                <tbody>
                    <For each=move || rows.get() key=|r| (r.member_id, r.state) let:row>
                        <tr>
                            <td>
                                <input
                                    type="checkbox"
                                    aria-label=format!("Chọn {}", row.full_name)
                                    disabled=!row.may_issue
                                    prop:checked=move || picked.get().contains(&row.member_id)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        picked.update(|p| { if on { p.insert(row.member_id); } else { p.remove(&row.member_id); } });
                                    }
                                />
                            </td>
                            <td>{row.full_name.clone()}</td>
                            <td>{row.card_no.clone()}</td>
                            <td>
                                {row.state.label()}
                                {(!row.may_issue).then(|| view! { <span class="muted">" · mã do quản trị viên cấp trên cấp"</span> })}
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
            <p class="actions">
                <button type="button" on:click=pick_pending>"Chọn những người chưa kích hoạt"</button>
                " "
                <button type="button" on:click=move |_| picked.set(HashSet::new())>"Bỏ chọn"</button>
            </p>
            <FormMessage error />
            {move || (replacing() > 0).then(|| view! {
                <p class="alert alert-info">
                    <label class="choice">
                        <input type="checkbox" prop:checked=move || agreed.get() on:change=move |ev| agreed.set(event_target_checked(&ev)) />
                        {format!(" {} đồng chí được chọn đã kích hoạt: mật khẩu hiện tại và mọi phiên đăng nhập của các đồng chí ấy hết hiệu lực ngay khi cấp mã mới. Tôi đã hỏi ý kiến các đồng chí ấy.", replacing())}
                    </label>
                </p>
            })}
            <p class="actions">
                <button type="button" class="primary" data-testid="issue-codes" disabled=move || count() == 0 || issue.pending().get() || (replacing() > 0 && !agreed.get()) on:click=issue_now>
                    {move || if issue.pending().get() { "Đang cấp mã…".to_string() } else { format!("Cấp mã kích hoạt cho {} đảng viên", count()) }}
                </button>
            </p>
        </div>
        {move || last.get().map(|batch| view! { <CodeSlips batch /> })}
    }
}

/// One slip per member, cut apart after printing; the workbook holds the same codes.
#[component]
fn CodeSlips(batch: IssuedCodes) -> impl IntoView {
    let expires = date_text(batch.expires_on);
    let unit_name = batch.unit.name.clone();
    let address = format!("{}/kich-hoat", site_origin());
    view! {
        <div class="alert alert-success no-print" role="status" data-testid="codes-issued">
            {format!("Đã cấp {} mã kích hoạt, dùng được đến hết ngày {}. Hãy in phiếu hoặc tải tệp ngay: mã không hiện lại.", batch.codes.len(), expires)}
        </div>
        <div class="actions no-print">
            <button type="button" class="primary" onclick="window.print()">"In phiếu"</button>
            " "
            <form method="post" action="/api/v1/activation-codes.xlsx" class="inline-form">
                <input type="hidden" name="unit" value=batch.unit.id />
                <input type="hidden" name="sheet" value=batch.sheet.clone() />
                <button type="submit" data-testid="codes-xlsx">"Tải tệp Excel (.xlsx)"</button>
            </form>
        </div>
        <div class="code-slips" data-testid="code-slips">
            {batch.codes.into_iter().map(|c| {
                let expires = expires.clone();
                let unit_name = unit_name.clone();
                let address = address.clone();
                view! {
                    <article class="code-slip" data-testid="code-slip">
                        <h2>"Sổ tay đảng viên điện tử · Phiếu kích hoạt tài khoản"</h2>
                        <p><strong data-testid="slip-name">{c.full_name}</strong> " · " {unit_name}</p>
                        <p>"Số thẻ đảng viên: " <strong data-testid="slip-card">{c.card_no}</strong></p>
                        <p>"Mã kích hoạt: " <strong class="code" data-testid="slip-code">{c.code}</strong></p>
                        <p class="muted">
                            "Vào Sổ tay đảng viên, chọn “Kích hoạt tài khoản” (" <span data-testid="slip-address">{address}</span> "), nhập số thẻ và mã này, rồi tự đặt mật khẩu. "
                            "Mã dùng một lần, đến hết ngày " {expires} ". Không đưa mã cho người khác."
                        </p>
                    </article>
                }
            }).collect_view()}
        </div>
    }
}

/// The handbook's address as the browser sees it, for the slips (they are drawn only in the
/// browser, after codes are issued).
fn site_origin() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}
