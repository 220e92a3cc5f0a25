//! Browser entry point: hydrates the server-rendered page, loading the opened page's code chunk
//! first (`cargo leptos build --split`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The shell's recovery script (`app::pwa::RECOVERY_SCRIPT`).
    #[wasm_bindgen(catch, js_namespace = window, js_name = __sotayRecover)]
    fn recover() -> Result<(), JsValue>;
}

#[wasm_bindgen]
pub fn hydrate() {
    // A page chunk that cannot be downloaded (a weak connection, a release replaced under an
    // open page) stops the app's code for good (a failed chunk load panics, and a panic aborts
    // WebAssembly). The page itself is server HTML that keeps working without it; the recovery
    // script then loads the page the member was going to as a whole page.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let _ = recover();
    }));
    // As `leptos::mount::hydrate_lazy`, and then the page says it is interactive: only now,
    // once the opened page's chunk has loaded and hydrated (an effect of the app's root would
    // run before that). The browser tests and the figures wait for this mark.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::tachys::dom::body();
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
