//! The browser entry point: hydrate the server-rendered page. Nothing else.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `_lazy`: the routes are lazy (`app::pages`), so the page the server
    // rendered may need its wasm chunk fetched before it can be hydrated.
    leptos::mount::hydrate_lazy(app::App);
}
