# Shared settings for the build/run/test scripts (sourced, not run).
# cargo-leptos builds debug with this flag; using it everywhere avoids rebuilding every crate.
export RUSTFLAGS="--cfg erase_components"
# What cargo-leptos would pass to the server binary at run time.
export LEPTOS_OUTPUT_NAME=sotay
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
