//! Browser entry point: hydrates the server-rendered page.

use wasm_bindgen::prelude::*;

// Islands are exported by the app's crate itself (one export per island); nothing here names
// them, so the crate is linked explicitly.
#[cfg(feature = "islands")]
extern crate app;

#[wasm_bindgen]
extern "C" {
    /// The shell's recovery script (`app::pwa::RECOVERY_SCRIPT`).
    #[wasm_bindgen(catch, js_namespace = window, js_name = __sotayRecover)]
    fn recover() -> Result<(), JsValue>;
}

#[wasm_bindgen]
pub fn hydrate() {
    // A panic stops the app's WebAssembly for good (so would a code chunk that cannot be
    // downloaded, with `--split`). The page itself is server HTML that keeps working without
    // it; the recovery script then loads the page the member was going to as a whole page.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // Said on the page too: a panic while hydrating stops the islands after it, and the
        // browser tests then fail with the reason instead of waiting on dead buttons.
        let _ = leptos::tachys::dom::body().set_attribute("data-panicked", &info.to_string().chars().take(500).collect::<String>());
        let _ = recover();
    }));
    // The page says it is interactive once hydrating is done. The browser tests and the
    // figures wait for this mark.
    #[cfg(not(feature = "islands"))]
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::tachys::dom::body();
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
    // Islands: the page's script hydrates each island once this returns, without waiting in
    // between; a task queued behind it runs when they all are.
    #[cfg(feature = "islands")]
    {
        leptos::mount::hydrate_islands();
        use wasm_bindgen::JsCast;
        let mark = wasm_bindgen::closure::Closure::once_into_js(|| {
            let _ = leptos::tachys::dom::body().set_attribute("data-hydrated", "true");
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(mark.unchecked_ref());
        }
    }
}
