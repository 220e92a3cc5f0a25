//! Shared page furniture: layout and menu, the login guard, form error display, formatting.

pub mod charts;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::auth::{Role, SessionUser, use_auth};
use crate::error::AppError;
use crate::validate::format_date;

/// The attribute for the interactive parts of a page. Built with the `islands` feature (the
/// default, what ships) they are islands: the page is rendered on the server only and just these
/// parts hydrate, so the code a phone downloads grows with what is interactive, not with the
/// number of pages. Without it they are ordinary components of one fully hydrated app (kept
/// compiling for comparison). Either way their props are plain serializable data, and they take
/// nothing from a parent's context (the router, the signed-in state, `<Title>`) that an island
/// could not have, except from an enclosing interactive part.
#[cfg(feature = "islands")]
pub use leptos::island as interactive;
#[cfg(not(feature = "islands"))]
pub use leptos::component as interactive;

pub fn date_text(date: NaiveDate) -> String {
    format_date(date)
}

pub fn optional_date_text(date: Option<NaiveDate>) -> String {
    date.map(format_date).unwrap_or_else(|| "—".into())
}

/// An action whose runs end in `Result<_, AppError>`: a server action, or a plain action that
/// calls a server function (queued offline, composed with navigation…).
pub trait ActionOutcome: Copy + Send + Sync + 'static {
    /// The error of the last run, if it failed.
    fn last_error(&self) -> Option<AppError>;
}

impl<S, O> ActionOutcome for ServerAction<S>
where
    S: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    fn last_error(&self) -> Option<AppError> {
        self.value().get().and_then(|r| r.err())
    }
}

impl<I, O> ActionOutcome for Action<I, Result<O, AppError>>
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    fn last_error(&self) -> Option<AppError> {
        self.value().get().and_then(|r| r.err())
    }
}

/// The error of an action's last run, if it failed, for the form's messages.
pub fn action_error(action: impl ActionOutcome) -> Signal<Option<AppError>> {
    Signal::derive(move || action.last_error())
}

/// A field's message under its input.
#[component]
pub fn FieldMessage(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        // `try_get`: a part of the page still rendering on the server after its request ended
        // (the reader left) finds its signals disposed; it then shows nothing instead of panicking.
        error.try_get().flatten().and_then(|e| e.field_message(field)).map(|message| {
            view! { <p class="field-error" role="alert" data-field=field>{message}</p> }
        })
    }
}

/// A form's general error: anything that is not tied to one of its fields.
#[component]
pub fn FormMessage(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.try_get().flatten().map(|e| match &e {
            AppError::Invalid(fields) => {
                let general = e.field_message("form");
                general.unwrap_or_else(|| {
                    if fields.is_empty() { e.to_string() } else { "Vui lòng sửa các ô được đánh dấu bên dưới.".into() }
                })
            }
            other => other.to_string(),
        })
        .map(|message| view! { <div class="alert alert-error" role="alert">{message}</div> })
    }
}

/// A labelled input with its validation message underneath.
#[component]
pub fn Field(
    id: &'static str,
    /// The form name the server function receives.
    name: &'static str,
    /// The field's key in the server's validation errors.
    field: &'static str,
    label: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input id=id name=name type=input_type value=value placeholder=placeholder inputmode=inputmode autocomplete=autocomplete />
        <FieldMessage error field />
    }
}

/// An action whose work runs only in the browser, where its future may hold JS values (not
/// `Send`). On the server nothing is ever dispatched, so there it is a plain action that never
/// runs: nothing browser-only is held there, nor dropped on another thread.
pub fn browser_action<I, O, F, Fu>(work: F) -> Action<I, O>
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
    F: Fn(&I) -> Fu + 'static,
    Fu: std::future::Future<Output = O> + 'static,
{
    #[cfg(feature = "ssr")]
    {
        drop(work);
        Action::new(|_: &I| std::future::pending::<O>())
    }
    #[cfg(not(feature = "ssr"))]
    {
        Action::new_local(work)
    }
}

/// A labelled input (or, with `rows`, a text area) bound to a signal, with the server's message
/// for its field underneath: the shape of every form built from signals.
#[component]
pub fn BoundField(
    #[prop(into)] id: String,
    label: &'static str,
    /// The field's key in the server's validation errors.
    field: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] input_type: &'static str,
    /// A text area of this many rows instead of an input.
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let control = match rows {
        Some(rows) => view! {
            <textarea id=id.clone() rows=rows prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
        .into_any(),
        None => view! {
            <input id=id.clone() type=input_type prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {control}
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <FieldMessage error field />
        </div>
    }
}

/// A page's data once loaded: "Đang tải…" meanwhile, the error box if it failed, else `children`
/// with the value — the wrapper every page shares.
#[component]
pub fn Loaded<T, F, V>(
    resource: Resource<Result<T, AppError>>,
    children: F,
    /// Keep showing the previous content while the resource reloads (a `<Transition>`), instead
    /// of going back to the fallback (a `<Suspense>`).
    #[prop(optional)]
    transition: bool,
    /// What shows while loading; "Đang tải…" unless told.
    #[prop(optional, into)]
    fallback: Option<ViewFnOnce>,
    /// The page's title when loading fails, for pages that otherwise take it from the value.
    #[prop(optional)]
    error_title: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let fallback = fallback.unwrap_or_else(|| ViewFnOnce::from(Loading));
    let content = move || {
        let children = children.clone();
        Suspend::new(async move {
            match resource.await {
                Ok(value) => children(value).into_any(),
                Err(error) => match error_title {
                    Some(text) => view! { <Title text /> <ErrorBox error /> }.into_any(),
                    None => view! { <ErrorBox error /> }.into_any(),
                },
            }
        })
    };
    if transition {
        view! { <Transition fallback>{content}</Transition> }.into_any()
    } else {
        view! { <Suspense fallback>{content}</Suspense> }.into_any()
    }
}

/// Goes to the page `to` names once `action` succeeds with a value (the id of what a compose form
/// just created): the step every compose-then-open form shares.
pub fn navigate_on_success<I, O>(action: Action<I, Result<O, AppError>>, to: impl Fn(&O) -> String + 'static)
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let navigate = navigator();
    Effect::new(move |_| {
        if let Some(Ok(value)) = action.value().get() {
            navigate(&to(&value));
        }
    });
}

/// Loads the page again once `action` succeeds: after a change the server-rendered rest of the
/// page shows (a status, a list), which an interactive part cannot redraw by itself.
pub fn reload_on_success<I, O>(action: Action<I, Result<O, AppError>>)
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            let _ = window().location().reload();
        }
    });
}

/// The value an interactive part shows, loaded again from the server each time the returned
/// version changes: for parts that start from their props (islands are given their data, they
/// do not fetch it again) and redraw themselves after a change.
pub fn reloaded<T, F, Fu>(initial: T, load: F) -> (RwSignal<T>, RwSignal<u32>)
where
    T: Send + Sync + 'static,
    F: Fn() -> Fu + Send + Sync + 'static,
    Fu: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    let current = RwSignal::new(initial);
    let version = RwSignal::new(0u32);
    Effect::watch(
        move || version.get(),
        move |asked: &u32, _, _| {
            let (asked, next) = (*asked, load());
            leptos::task::spawn_local(async move {
                let loaded = next.await;
                // Two changes in a row: only the answer to the latest one is shown.
                if version.get_untracked() != asked {
                    return;
                }
                match loaded {
                    Ok(value) => current.set(value),
                    Err(error) => leptos::logging::warn!("not reloaded: {error}"),
                }
            });
        },
        false,
    );
    (current, version)
}

/// Goes to another page: by the router in a hydrated app; in an islands build, where an
/// interactive part has no router, by loading the page.
pub fn navigator() -> impl Fn(&str) + Clone + 'static {
    #[cfg(not(feature = "islands"))]
    {
        let navigate = leptos_router::hooks::use_navigate();
        move |to: &str| navigate(to, Default::default())
    }
    #[cfg(feature = "islands")]
    {
        move |to: &str| {
            #[cfg(not(feature = "ssr"))]
            let _ = window().location().set_href(to);
            #[cfg(feature = "ssr")]
            let _ = to;
        }
    }
}

#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let login = matches!(error, AppError::Unauthenticated);
    view! {
        <div class="alert alert-error" role="alert">
            <p>{error.to_string()}</p>
            {login.then(|| view! { <p><a href="/dang-nhap">"Đăng nhập"</a></p> })}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">"Đang tải…"</p> }
}

/// Renders `children` for the logged-in user; sends others to the login page and members who
/// must change their password to that form.
#[component]
pub fn WithUser<F, IV>(children: F) -> impl IntoView
where
    F: Fn(SessionUser) -> IV + Clone + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let auth = use_auth();
    let location = use_location();
    view! {
        <Suspense fallback=Loading>
            {move || {
                let children = children.clone();
                let path = location.pathname.get_untracked();
                Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) if user.must_change_password && path != "/doi-mat-khau" => {
                            view! { <Redirect path="/doi-mat-khau" /> }.into_any()
                        }
                        Ok(Some(user)) => children(user).into_any(),
                        Ok(None) => view! { <Redirect path="/dang-nhap" /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The menu a user gets depends on their positions.
pub fn menu_items(user: &SessionUser) -> Vec<(String, &'static str)> {
    let mut items = vec![
        ("/".to_string(), "Trang chủ"),
        ("/can-doc".to_string(), "Tài liệu cần đọc"),
        ("/tai-lieu".to_string(), "Thư viện tài liệu"),
        ("/sinh-hoat".to_string(), "Sinh hoạt chi bộ"),
        ("/tro-ly".to_string(), "Trợ lý ảo"),
        ("/hoi-dap".to_string(), "Hỏi đáp, kiến nghị"),
        ("/thong-bao".to_string(), "Thông báo của cấp ủy"),
        ("/xin-y-kien".to_string(), "Góp ý dự thảo"),
        (format!("/to-chuc/{}", user.cell_id), "Chi bộ của tôi"),
    ];
    if let Some(cell) = user.positions.iter().find(|p| p.role.is_cell_role()) {
        items.push((format!("/dang-vien?don-vi={}", cell.unit_id), "Đảng viên chi bộ"));
    }
    if let Some(scope) = user.positions.iter().find(|p| p.role == Role::CommitteeMember) {
        items.push((format!("/dang-vien?don-vi={}", scope.unit_id), "Đảng viên trong đảng bộ"));
    }
    if !user.committee_scopes().is_empty() || user.positions.iter().any(|p| p.role.is_cell_role()) {
        items.push(("/bao-cao-sinh-hoat".to_string(), "Báo cáo sinh hoạt"));
        items.push(("/hoi-dap/tiep-nhan".to_string(), "Tiếp nhận câu hỏi, kiến nghị"));
    }
    items.push(("/thong-bao-cua-toi".to_string(), "Thông báo của tôi"));
    if user.manages_members() {
        items.push(("/to-chuc".to_string(), "Tổ chức đảng"));
    }
    if let Some(admin) = user.positions.iter().find(|p| p.role == Role::Admin) {
        items.push((format!("/to-chuc/{}", admin.unit_id), "Quản trị"));
    }
    items.push(("/ngoai-tuyen".to_string(), "Dùng khi mất mạng"));
    items.push((format!("/dang-vien/{}", user.member_id), "Hồ sơ của tôi"));
    items.push(("/doi-mat-khau".to_string(), "Đổi mật khẩu"));
    items
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    provide_context(crate::notifications::pages_unread());
    crate::offline::Device::provide();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-star" aria-hidden="true">"★"</span>
                <span>"Sổ tay đảng viên"</span>
            </a>
            <Transition fallback=|| ()>
                {move || {
                    // The page the menu marks as the current one (the page the server draws).
                    let current = location.pathname.get_untracked();
                    Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) if !user.must_change_password => {
                            let items = menu_items(&user).into_iter().map(|(href, label)| (href, label.to_string())).collect();
                            view! { <crate::assistant::AssistantButton /> <MainMenu items current /> }.into_any()
                        }
                        _ => ().into_any(),
                    }
                    })
                }}
            </Transition>
        </header>
        <main class="content">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let signed_in = matches!(auth.user.await, Ok(Some(_)));
                    view! { <crate::offline::OfflineStatus signed_in /> }
                })}
            </Transition>
            <crate::pwa::InstallBanner />
            {children()}
        </main>
        <footer class="footer">"Đảng bộ tỉnh Hậu Giang · Sổ tay đảng viên điện tử"</footer>
    }
}

/// The bell, the menu button, the menu and signing out: the header's interactive part.
#[interactive]
fn MainMenu(items: Vec<(String, String)>, current: String) -> impl IntoView {
    // The app's own sign-out where there is one, so everything that depends on who is signed
    // in follows; an island signs out by itself.
    let logout = crate::auth::app_action(|auth| auth.logout);
    let (menu_open, set_menu_open) = signal(false);
    // A page of an islands build has no router to send the member on: go to the login page.
    #[cfg(all(feature = "islands", not(feature = "ssr")))]
    Effect::new(move |_| {
        if matches!(logout.value().get(), Some(Ok(()))) {
            let _ = window().location().set_href("/dang-nhap");
        }
    });
    view! {
        <crate::notifications::NotificationBell />
        <button
            class="menu-toggle"
            aria-expanded=move || menu_open.get().to_string()
            aria-controls="main-menu"
            on:click=move |_| set_menu_open.update(|open| *open = !*open)
        >
            "☰ Danh mục"
        </button>
        <nav id="main-menu" class="menu" class:open=move || menu_open.get() data-testid="menu">
            // Plain links: the router takes their clicks in a hydrated app; an island has none.
            {items
                .into_iter()
                .map(|(href, label)| {
                    let here = (href == current).then_some("page");
                    view! { <a href=href aria-current=here on:click=move |_| set_menu_open.set(false)>{label}</a> }
                })
                .collect_view()}
            <ActionForm action=logout attr:class="logout-form">
                <button type="submit" class="link-button">"Đăng xuất"</button>
            </ActionForm>
        </nav>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let upcoming = Resource::new(|| (), |_| crate::meetings::upcoming_meetings());
    view! {
        <Title text="Trang chủ" />
        <WithUser children=move |user: SessionUser| {
            let roles: Vec<_> = user.positions.clone();
            let links = menu_items(&user);
            let cell_href = format!("/to-chuc/{}", user.cell_id);
            view! {
                <section class="card">
                    <h1>"Xin chào đồng chí " {user.full_name}</h1>
                    <p class="lead">
                        "Chi bộ: " <a href=cell_href>{user.cell_name}</a>
                    </p>
                    <h2>"Vai trò của tôi"</h2>
                    <ul class="roles" data-testid="roles">
                        <li>"Đảng viên"</li>
                        {roles
                            .into_iter()
                            .map(|p| view! { <li>{p.role.label()} " — " {p.unit_name}</li> })
                            .collect_view()}
                    </ul>
                </section>
                <crate::meetings::UpcomingMeetings meetings=upcoming />
                <section class="card">
                    <h2>"Truy cập nhanh"</h2>
                    <ul class="quick-links">
                        {links
                            .into_iter()
                            .skip(1)
                            .map(|(href, label)| view! { <li><a href=href>{label}</a></li> })
                            .collect_view()}
                    </ul>
                </section>
            }
        } />
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Không tìm thấy trang" />
        <section class="card">
            <h1>"Không tìm thấy trang"</h1>
            <p>"Trang bạn tìm không tồn tại hoặc đã được chuyển đi."</p>
            <p><a href="/">"Về trang chủ"</a></p>
        </section>
    }
}
