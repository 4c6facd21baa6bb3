//! The camera on the Scan screen. WebKitGTK (the Linux webview) keeps media capture
//! off and refuses every permission request nobody answers: here capture is switched
//! on and camera requests (video only, never the microphone or the screen) allowed.
//! Elsewhere the platform's webview asks the user itself.
//!
//! `TRADESEAL_MOCK_CAMERA=1` gives WebKit's built-in test camera instead of a device:
//! the end-to-end tests use it on machines that have no camera.

#[cfg(target_os = "linux")]
pub fn allow(window: &tauri::WebviewWindow) {
    use webkit2gtk::glib::prelude::Cast;
    use webkit2gtk::{
        PermissionRequestExt, SettingsExt, UserMediaPermissionRequest,
        UserMediaPermissionRequestExt, WebViewExt,
    };
    let mock = std::env::var_os("TRADESEAL_MOCK_CAMERA").is_some();
    let _ = window.with_webview(move |platform| {
        let view = platform.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_media_stream(true);
            settings.set_enable_mock_capture_devices(mock);
        }
        view.connect_permission_request(|_, request| {
            match request.downcast_ref::<UserMediaPermissionRequest>() {
                Some(media) => {
                    if media.is_for_video_device() && !media.is_for_audio_device() {
                        request.allow();
                    } else {
                        request.deny();
                    }
                    true
                }
                None => false,
            }
        });
    });
}

#[cfg(not(target_os = "linux"))]
pub fn allow(_window: &tauri::WebviewWindow) {}
