//! The organization's logo: uploaded by an admin from the settings page
//! (with and without JavaScript), checked and encoded again by the server,
//! shown on every page of the organization, served to anyone from its host
//! and to nobody from another's.

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::http::CookieJar;
use image::{DynamicImage, ImageFormat, RgbaImage};
use std::io::Cursor;

/// A `width` × `height` image of one colour, encoded as `format`.
pub fn image_file(width: u32, height: u32, rgb: [u8; 3], format: ImageFormat) -> Vec<u8> {
    let pixels = RgbaImage::from_pixel(width, height, image::Rgba([rgb[0], rgb[1], rgb[2], 255]));
    let image = match format {
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(pixels).to_rgb8()),
        _ => DynamicImage::ImageRgba8(pixels),
    };
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), format)
        .expect("encode a test image");
    bytes
}

/// The logo's address as the organization's pages link it.
fn logo_src(page: &str) -> Option<String> {
    let at = page.find("src=\"/logo.png?v=")? + "src=\"".len();
    let end = at + page[at..].find('"')?;
    Some(page[at..end].to_owned())
}

async fn upload(
    app: &TestApp,
    slug: &str,
    file: &[u8],
    jar: &mut CookieJar,
) -> crate::http::Response {
    app.upload(
        &app.tenant_host(slug),
        "upload_logo",
        "logo",
        file,
        None,
        Some(jar),
    )
    .await
}

#[tokio::test]
async fn an_admin_uploads_a_logo_that_every_page_shows_and_its_host_serves() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");

    let jpeg = image_file(900, 300, [200, 30, 60], ImageFormat::Jpeg);
    let uploaded = upload(&app, "acme", &jpeg, &mut owner).await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.body);
    let entry = app
        .audit_entries("acme")
        .await
        .pop()
        .expect("an audit entry");
    assert_eq!(entry.action, "organization.logo");
    assert_eq!((entry.before, entry.after.is_some()), (None, true));

    // Every page's header links it; the settings page shows it too.
    let teams = app.get(&host, "/teams", Some(&mut owner)).await;
    let src = logo_src(&teams.body).expect("the shell links the logo");
    assert!(teams.body.contains(r#"data-testid="shell-logo""#));
    let settings = app.get(&host, "/settings", Some(&mut owner)).await;
    assert!(settings.body.contains(r#"data-testid="logo-preview""#));

    // Served to anyone, as the PNG Tenantry made: scaled to 256 wide.
    let served = app.get(&host, &src, None).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(
        served.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        image::guess_format(&served.bytes).unwrap(),
        ImageFormat::Png
    );
    let decoded = image::load_from_memory(&served.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 85));
    let etag = served.header("etag").unwrap().to_owned();
    let again = app
        .get_with_headers(&host, &src, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    // A browser holding it is answered from the tenant cache alone.
    let before = app.state.registry.statements().get();
    let held = app
        .get_with_headers(&host, &src, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(held.status, 304);
    assert_eq!(app.state.registry.statements().get(), before);
    // An old version's address is asked again rather than kept.
    let stale = app.get(&host, "/logo.png?v=0000", None).await;
    assert_eq!(stale.header("cache-control"), Some("no-cache"));

    // Removed: no image in the header, nothing served.
    let removed = app.call(&host, "remove_logo", &[], Some(&mut owner)).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let teams = app.get(&host, "/teams", Some(&mut owner)).await;
    assert_eq!(logo_src(&teams.body), None);
    assert_eq!(app.get(&host, "/logo.png", None).await.status, 404);
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.after),
        ("organization.logo", None)
    );
}

#[tokio::test]
async fn a_refused_file_changes_nothing_and_the_page_says_why_next_to_the_field() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let png = image_file(64, 64, [10, 120, 60], ImageFormat::Png);
    assert_eq!(upload(&app, "acme", &png, &mut owner).await.status, 200);
    let kept = app.tenant("acme").await.unwrap().logo;
    let entries = app.audit_entries("acme").await.len();

    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#;
    let big = {
        // A valid PNG past the limit in bytes (noise does not compress).
        let mut noise = RgbaImage::new(700, 700);
        let mut state = 0x9e37_79b9_u32;
        for pixel in noise.pixels_mut() {
            // xorshift32
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let [r, g, b, _] = state.to_le_bytes();
            *pixel = image::Rgba([r, g, b, 255]);
        }
        let mut bytes = Vec::new();
        DynamicImage::ImageRgba8(noise)
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        assert!(bytes.len() > 1024 * 1024, "{} bytes", bytes.len());
        bytes
    };
    let cases: [(&str, &[u8], &str); 3] = [
        ("SVG", svg, "SVG images are not accepted"),
        ("GIF", b"GIF89a\x01\x00\x01\x00", "not a PNG, JPEG or WebP"),
        ("too large", &big, "larger than 1024 KiB"),
    ];
    for (what, file, message) in cases {
        // Without JavaScript: back to the settings page, the reason at the
        // file field.
        let refused = app
            .upload(
                &host,
                "upload_logo",
                "logo",
                file,
                Some("/settings"),
                Some(&mut owner),
            )
            .await;
        assert!(
            (300..400).contains(&refused.status),
            "{what}: {}",
            refused.body
        );
        let location = refused.header("location").unwrap_or_default();
        let back = location
            .strip_prefix(&format!("http://{host}"))
            .unwrap_or(location);
        assert!(back.starts_with("/settings?"), "{what}: {back}");
        let page = app.get(&host, back, Some(&mut owner)).await;
        let field_error = page
            .body
            .split(r#"data-field="logo""#)
            .nth(1)
            .unwrap_or_else(|| panic!("{what}: no error at the field: {}", page.body));
        assert!(
            field_error[..field_error.find("</p>").unwrap()].contains(message),
            "{what}: {field_error}"
        );
        // As a script: the same reason, as the field's error.
        let answer = upload(&app, "acme", file, &mut owner).await;
        assert_eq!(answer.status, 422, "{what}: {}", answer.body);
        assert!(answer.body.contains(message), "{what}: {}", answer.body);
    }
    assert_eq!(app.tenant("acme").await.unwrap().logo, kept);
    assert_eq!(app.audit_entries("acme").await.len(), entries);

    // Past the upload's body limit: refused before it is read.
    let huge = vec![0u8; 5 * 1024 * 1024];
    assert_eq!(upload(&app, "acme", &huge, &mut owner).await.status, 413);
    // Other requests keep their own, smaller limit.
    let form = "x".repeat(100 * 1024);
    let renamed = app
        .call(
            &host,
            "rename_organization",
            &[("name", &form)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(renamed.status, 413);
}

#[tokio::test]
async fn another_organization_neither_sees_nor_changes_the_logo() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut alpha = app.signed_in_owner("alpha").await;
    let mut beta = app.signed_in_owner("beta").await;
    let png = image_file(32, 32, [1, 2, 3], ImageFormat::Png);
    assert_eq!(upload(&app, "alpha", &png, &mut alpha).await.status, 200);
    let version = app.tenant("alpha").await.unwrap().logo.unwrap();
    let src = format!("/logo.png?v={version}");

    // Beta's host has no logo of its own, and does not serve alpha's.
    assert_eq!(
        app.get(&app.tenant_host("beta"), &src, None).await.status,
        404
    );
    // Beta's session on alpha's host is nobody there.
    let other = app.tenant_host("alpha");
    let replaced = app
        .upload(&other, "upload_logo", "logo", &png, None, Some(&mut beta))
        .await;
    assert_eq!(replaced.status, 401, "{}", replaced.body);
    let removed = app.call(&other, "remove_logo", &[], Some(&mut beta)).await;
    assert_eq!(removed.status, 401, "{}", removed.body);
    assert_eq!(app.tenant("alpha").await.unwrap().logo, Some(version));
    assert_eq!(app.tenant("beta").await.unwrap().logo, None);
}

#[tokio::test]
async fn the_organization_s_mail_wears_its_colour_and_logo() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");
    let invite = async |app: &TestApp, owner: &mut CookieJar, email: &str| {
        let invited = app
            .call(
                &host,
                "invite_member",
                &[("email", email), ("role", "member")],
                Some(owner),
            )
            .await;
        assert_eq!(invited.status, 200, "{}", invited.body);
        app.mail.last_to(email).await
    };

    // Tenantry's colour and the name alone, before any branding.
    let plain = invite(&app, &mut owner, "first@example.test").await;
    let html = plain.html.expect("an HTML part");
    assert!(html.contains("solid #2457d6"), "{html}");
    assert!(!html.contains("<img"), "{html}");

    let colour = app
        .call(
            &host,
            "update_branding",
            &[("brand_color", "#0b6e4f")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(colour.status, 200, "{}", colour.body);
    let png = image_file(120, 40, [11, 110, 79], ImageFormat::Png);
    assert_eq!(upload(&app, "acme", &png, &mut owner).await.status, 200);
    let version = app.tenant("acme").await.unwrap().logo.unwrap();

    let branded = invite(&app, &mut owner, "second@example.test").await;
    let html = branded.html.clone().expect("an HTML part");
    assert!(html.contains("solid #0b6e4f"), "{html}");
    assert!(html.contains("background:#0b6e4f"), "{html}");
    // The logo and the link at the organization's configured address.
    let logo = format!(r#"<img src="http://{host}/logo.png?v={version}""#);
    assert!(html.contains(&logo), "{html}");
    let link = branded.link("/invitation").expect("the plain part's link");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    // The plain part says the same.
    assert!(
        branded.body.contains("invited you to join"),
        "{}",
        branded.body
    );
}
