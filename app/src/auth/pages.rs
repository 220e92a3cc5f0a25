//! Login and password-change pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::{SessionUser, use_auth};
use crate::ui::{Field, FieldMessage, FormMessage, Loading, WithUser, action_error};

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let login = auth.login;
    view! {
        <Title text="Đăng nhập" />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let logged_in = matches!(auth.user.await, Ok(Some(_)));
                let done = matches!(login.value().get(), Some(Ok(_)));
                if logged_in || done {
                    return view! { <Redirect path="/" /> }.into_any();
                }
                view! {
                    <section class="card narrow">
                        <h1>"Đăng nhập"</h1>
                        <p class="lead">"Dùng số điện thoại hoặc số thẻ đảng viên của đồng chí."</p>
                        <LoginForm />
                        <p class="hint">
                            "Lần đầu dùng Sổ tay, hoặc quên mật khẩu? Đề nghị bí thư chi bộ cấp mã kích hoạt, rồi "
                            <a href="/kich-hoat">"kích hoạt tài khoản"</a>"."
                        </p>
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The login form: the login page's interactive part.
#[crate::ui::interactive]
fn LoginForm() -> impl IntoView {
    let login = super::app_action(|auth| auth.login);
    let error = action_error(login);
    // Without a router (islands) the form itself opens the home page once signed in.
    #[cfg(feature = "islands")]
    crate::ui::navigate_on_success(*login, |_| "/".to_string());
    view! {
        <ActionForm action=login attr:class="form" attr:novalidate=true>
            <FormMessage error />
            <label for="identifier">"Số điện thoại hoặc số thẻ đảng viên"</label>
            <input
                id="identifier"
                name="identifier"
                type="text"
                inputmode="numeric"
                autocomplete="username"
                required
            />
            <FieldMessage error field="identifier" />
            <Field id="password" name="password" field="password" label="Mật khẩu" error input_type="password" autocomplete="current-password" />
            <button type="submit" class="primary" disabled=move || login.pending().get()>
                {move || if login.pending().get() { "Đang đăng nhập…" } else { "Đăng nhập" }}
            </button>
        </ActionForm>
    }
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    view! {
        <Title text="Đổi mật khẩu" />
        <WithUser children=move |user: SessionUser| {
            view! {
                <section class="card narrow">
                    <h1>"Đổi mật khẩu"</h1>
                    {user.must_change_password.then(|| view! {
                        <div class="alert alert-info">
                            "Đây là lần đăng nhập đầu tiên: đồng chí cần đặt mật khẩu mới trước khi sử dụng."
                        </div>
                    })}
                    <ChangePasswordForm />
                </section>
            }
        } />
    }
}

/// The password form and what it says once saved: the password page's interactive part.
#[crate::ui::interactive]
fn ChangePasswordForm() -> impl IntoView {
    let action = super::app_action(|auth| auth.change_password);
    let error = action_error(action);
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Show when=done fallback=move || view! {
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormMessage error />
                <Field id="current_password" name="current_password" field="current_password" label="Mật khẩu hiện tại" error input_type="password" autocomplete="current-password" />
                <Field id="new_password" name="new_password" field="new_password" label="Mật khẩu mới (ít nhất 8 ký tự, có chữ và số)" error input_type="password" autocomplete="new-password" />
                <Field id="confirm_password" name="confirm_password" field="confirm_password" label="Nhập lại mật khẩu mới" error input_type="password" autocomplete="new-password" />
                <button type="submit" class="primary">"Lưu mật khẩu mới"</button>
            </ActionForm>
        }>
            <div class="alert alert-success" role="status">"Đã đổi mật khẩu."</div>
            <p><a href="/">"Về trang chủ"</a></p>
        </Show>
    }
}

#[component]
pub fn ActivationPage() -> impl IntoView {
    let auth = use_auth();
    let activate = auth.activate;
    view! {
        <Title text="Kích hoạt tài khoản" />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let logged_in = matches!(auth.user.await, Ok(Some(_)));
                let done = matches!(activate.value().get(), Some(Ok(_)));
                if logged_in || done {
                    return view! { <Redirect path="/" /> }.into_any();
                }
                view! {
                    <section class="card narrow">
                        <h1>"Kích hoạt tài khoản"</h1>
                        <p class="lead">
                            "Nhập số thẻ đảng viên và mã kích hoạt in trên phiếu bí thư chi bộ trao cho đồng chí, "
                            "rồi tự đặt mật khẩu. Mỗi mã chỉ dùng được một lần."
                        </p>
                        <ActivationForm />
                        <p class="hint">"Đã có mật khẩu? " <a href="/dang-nhap">"Đăng nhập"</a></p>
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The activation form: the activation page's interactive part.
#[crate::ui::interactive]
fn ActivationForm() -> impl IntoView {
    let activate = super::app_action(|auth| auth.activate);
    let error = action_error(activate);
    #[cfg(feature = "islands")]
    crate::ui::navigate_on_success(*activate, |_| "/".to_string());
    view! {
        <ActionForm action=activate attr:class="form" attr:novalidate=true>
            <FormMessage error />
            <label for="card_no">"Số thẻ đảng viên"</label>
            <input id="card_no" name="card_no" type="text" inputmode="numeric" autocomplete="username" required />
            <FieldMessage error field="card_no" />
            <label for="code">"Mã kích hoạt (12 chữ số)"</label>
            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" placeholder="0000 0000 0000" required />
            <FieldMessage error field="code" />
            <Field id="new_password" name="new_password" field="new_password" label="Mật khẩu mới (ít nhất 8 ký tự, có chữ và số)" error input_type="password" autocomplete="new-password" />
            <Field id="confirm_password" name="confirm_password" field="confirm_password" label="Nhập lại mật khẩu mới" error input_type="password" autocomplete="new-password" />
            <button type="submit" class="primary" disabled=move || activate.pending().get()>
                {move || if activate.pending().get() { "Đang kích hoạt…" } else { "Kích hoạt và đăng nhập" }}
            </button>
        </ActionForm>
    }
}
