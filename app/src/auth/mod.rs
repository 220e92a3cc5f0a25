//! Login, sessions, password changes and the one authorization check.

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod activation;
mod pages;

pub use pages::{ActivationPage, ChangePasswordPage, LoginPage};

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use leptos::prelude::*;

/// A position grants a role over a scope: a cell for (deputy) secretaries, a unit's subtree for
/// committee members and administrators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Secretary,
    DeputySecretary,
    CommitteeMember,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Secretary, Role::DeputySecretary, Role::CommitteeMember, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Secretary => "secretary",
            Role::DeputySecretary => "deputy_secretary",
            Role::CommitteeMember => "committee_member",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Secretary => "Bí thư chi bộ",
            Role::DeputySecretary => "Phó Bí thư chi bộ",
            Role::CommitteeMember => "Cấp ủy viên",
            Role::Admin => "Quản trị hệ thống",
        }
    }

    /// Roles whose scope is a single cell.
    pub fn is_cell_role(self) -> bool {
        matches!(self, Role::Secretary | Role::DeputySecretary)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionInfo {
    pub id: i64,
    pub role: Role,
    pub unit_id: i64,
    pub unit_name: String,
}

/// The logged-in member as the UI and server functions see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub member_id: i64,
    pub full_name: String,
    pub cell_id: i64,
    pub cell_name: String,
    pub positions: Vec<PositionInfo>,
    pub must_change_password: bool,
}

impl SessionUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.positions.iter().any(|p| p.role == role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// Units this user may look into: their own cell plus every position's scope.
    pub fn scope_units(&self) -> Vec<i64> {
        let mut units: Vec<i64> = self.positions.iter().map(|p| p.unit_id).collect();
        units.push(self.cell_id);
        units.sort_unstable();
        units.dedup();
        units
    }

    /// Can see other members' data somewhere (secretary, committee member, admin).
    pub fn manages_members(&self) -> bool {
        !self.positions.is_empty()
    }

    /// Units whose committee this user sits on (administrators and committee members): where they
    /// write documents and review meetings. Sorted, without repeats.
    pub fn committee_scopes(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .positions
            .iter()
            .filter(|p| matches!(p.role, Role::Admin | Role::CommitteeMember))
            .map(|p| p.unit_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Who is logged in, if anyone. Never fails for anonymous visitors.
#[server(endpoint = "current-user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    service::respond(service::session_user_from_request().await)
}

#[server(endpoint = "login")]
pub async fn login(identifier: String, password: String) -> Result<SessionUser, AppError> {
    use crate::state::{request_meta, set_session_cookie};
    let result = async {
        let db = crate::state::db()?;
        let meta = request_meta();
        let (token, user) = service::login(&db, &identifier, &password, &meta).await?;
        set_session_cookie(&token, &meta);
        Ok(user)
    }
    .await;
    service::respond(result)
}

/// A member's first sign-in (or the first after a lost password): card number, the code they
/// were handed and a password of their own. Signs them in.
#[server(endpoint = "activate")]
pub async fn activate(card_no: String, code: String, new_password: String, confirm_password: String) -> Result<SessionUser, AppError> {
    use crate::state::{request_meta, set_session_cookie};
    let result = async {
        let db = crate::state::db()?;
        let meta = request_meta();
        let form = activation::Activation { card_no: &card_no, code: &code, new_password: &new_password, confirm_password: &confirm_password };
        let (token, user) = activation::activate(&db, &crate::state::secret_key()?, &form, &meta).await?;
        set_session_cookie(&token, &meta);
        Ok(user)
    }
    .await;
    service::respond(result)
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::state::{clear_session_cookie, request_meta};
    let result = async {
        let db = crate::state::db()?;
        let meta = request_meta();
        if let Some(token) = meta.session_token.as_deref() {
            service::logout(&db, token).await?;
        }
        clear_session_cookie(&meta);
        Ok(())
    }
    .await;
    service::respond(result)
}

#[server(endpoint = "change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    let result = async {
        let (db, user) = service::request_user_allowing_pending_change().await?;
        let token = crate::state::request_meta().session_token;
        service::change_password(&db, &user, &current_password, &new_password, &confirm_password, token.as_deref())
            .await
    }
    .await;
    service::respond(result)
}

/// Shared auth state for the whole UI: who is logged in, refreshed after login/logout.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub change_password: ServerAction<ChangePassword>,
    pub activate: ServerAction<Activate>,
}

impl Auth {
    pub fn provide() -> Auth {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let change_password = ServerAction::<ChangePassword>::new();
        let activate = ServerAction::<Activate>::new();
        // Who is logged in changes only when one of these actions succeeds; a failed attempt must
        // not refetch (that would re-render the form and wipe what the member typed).
        let epoch = RwSignal::new(0usize);
        Effect::new(move |_| {
            let succeeded = matches!(login.value().get(), Some(Ok(_)))
                || matches!(logout.value().get(), Some(Ok(_)))
                || matches!(change_password.value().get(), Some(Ok(_)))
                || matches!(activate.value().get(), Some(Ok(_)));
            if succeeded {
                epoch.update(|e| *e += 1);
            }
        });
        let user = Resource::new(move || epoch.get(), |_| current_user());
        let auth = Auth { user, login, logout, change_password, activate };
        provide_context(auth);
        auth
    }
}

/// The app's own auth action where there is one (a hydrated app, or the server rendering an
/// island), so that everything depending on who is signed in follows; an island's own otherwise.
pub fn app_action<S>(pick: fn(&Auth) -> ServerAction<S>) -> ServerAction<S>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    use_context::<Auth>().map(|auth| pick(&auth)).unwrap_or_default()
}

/// The app's auth state (provided by `App`). Not for the page's interactive parts: built as
/// islands they cannot see it, and what they need comes in their props.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[allow(unused_macros)] // used only inside server-function bodies, which the browser build drops
/// Body of a server function that needs a logged-in user: `call!(|db, user| service::x(&db, &user))`.
macro_rules! service_call {
    (|$db:ident, $user:ident| $body:expr) => {
        $crate::auth::service::with_user(|$db, $user| async move { $body.await }).await
    };
}
#[allow(unused_imports)]
pub(crate) use service_call;
