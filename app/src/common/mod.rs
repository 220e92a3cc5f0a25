//! The shared kernel: small helpers every feature may use, owned by none of them.

pub mod time;
pub mod client_id;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod secret;
