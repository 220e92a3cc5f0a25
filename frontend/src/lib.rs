//! Browser entry point: hydrates the server-rendered page.

use wasm_bindgen::prelude::*;

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
        let _ = recover();
    }));
    // The page says it is interactive once hydrating is done (also when a page's code would
    // come in a chunk of its own, `cargo leptos build --split`, where an effect of the app's
    // root runs before that). The browser tests and the figures wait for this mark.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::tachys::dom::body();
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
