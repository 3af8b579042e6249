//! The organization's logo. An upload is taken only when its bytes are a
//! PNG, JPEG or WebP image (whatever its name or declared type say), it is
//! decoded within limits (its bytes, its pixels, the memory decoding may
//! take, all checked before the pixels are read), scaled down to at most
//! [`LOGO_SIDE`] pixels and encoded again as PNG: what Tenantry serves is
//! an image it made itself, without the upload's metadata or anything else
//! hidden in the file. SVG is refused, since it can carry script.
//!
//! The image is kept in the organization's own database; the control
//! plane's tenant row names its version, so that pages link it
//! (`/logo.png?v=VERSION`) without reading that database.

use crate::model::{
    settings::{LOGO_MAX_BYTES, LOGO_MAX_PIXELS, LOGO_SIDE},
    AppError,
};
use crate::server::{
    entities::tenant::logo,
    error::tenant_db,
    org::{
        audit::{Action, Actor, Change},
        organization::change_tenant,
    },
    time::now_unix,
};
use image::{imageops::FilterType, ImageError, ImageFormat, ImageReader, Limits};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait,
};
use sha2::{Digest, Sha256};
use std::io::Cursor;
use tenancy::{context::TenantCtx, directory::TenantDirectory};

/// The form field the image comes in.
pub const FIELD: &str = "logo";

/// Memory decoding may take: a [`LOGO_MAX_PIXELS`] square at four bytes a
/// pixel, and a little for the decoder.
const DECODE_MEMORY: u64 = (LOGO_MAX_PIXELS as u64) * (LOGO_MAX_PIXELS as u64) * 4 + (8 << 20);

/// A logo as Tenantry keeps it.
#[derive(Debug)]
pub struct Prepared {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// A digest of `png`, which its address names.
    pub version: String,
}

/// `bytes` as a logo, or what is wrong with them, worded for the form.
/// CPU work: run it on the CPU pool.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, String> {
    if bytes.is_empty() {
        return Err("Choose an image file.".to_owned());
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(format!(
            "The file is larger than {} KiB.",
            LOGO_MAX_BYTES / 1024
        ));
    }
    let format = image::guess_format(bytes)
        .ok()
        .filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP));
    let Some(format) = format else {
        return Err(if looks_like_svg(bytes) {
            "SVG images are not accepted, as they can carry scripts: upload a PNG, JPEG or WebP."
        } else {
            "This file is not a PNG, JPEG or WebP image."
        }
        .to_owned());
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(LOGO_MAX_PIXELS);
    limits.max_image_height = Some(LOGO_MAX_PIXELS);
    limits.max_alloc = Some(DECODE_MEMORY);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        ImageError::Limits(_) => {
            format!("The image is larger than {LOGO_MAX_PIXELS} × {LOGO_MAX_PIXELS} pixels.")
        }
        _ => "The image could not be read: the file is damaged or incomplete.".to_owned(),
    })?;
    let image = if image.width() > LOGO_SIDE || image.height() > LOGO_SIDE {
        image.resize(LOGO_SIDE, LOGO_SIDE, FilterType::Triangle)
    } else {
        image
    };
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|_| "The image could not be converted: try another file.".to_owned())?;
    let version = hex::encode(&Sha256::digest(&png)[..8]);
    Ok(Prepared {
        width: image.width(),
        height: image.height(),
        png,
        version,
    })
}

/// Whether `bytes` start like an SVG document (to say why it is refused).
fn looks_like_svg(bytes: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    start.contains("<svg")
}

/// Makes `logo` the organization's (`None`: it has none), audited.
pub async fn set(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    logo: Option<Prepared>,
) -> Result<(), AppError> {
    let version = logo.as_ref().map(|l| l.version.clone());
    if version == ctx.tenant.preferences.logo {
        return Ok(());
    }
    let change = Change {
        action: Action::OrganizationLogo,
        target: "organization".to_owned(),
        before: ctx.tenant.preferences.logo.clone(),
        after: version.clone(),
    };
    let also = async |tenant: &DatabaseTransaction| keep(tenant, logo).await.map_err(tenant_db);
    change_tenant(control, directory, ctx, actor, change, also, |row| {
        row.logo = Set(version.clone());
    })
    .await
}

async fn keep(db: &impl ConnectionTrait, logo: Option<Prepared>) -> Result<(), DbErr> {
    logo::Entity::delete_many().exec(db).await?;
    if let Some(logo) = logo {
        logo::ActiveModel {
            id: Set(1),
            png: Set(logo.png),
            width: Set(i32::try_from(logo.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(logo.height).unwrap_or(i32::MAX)),
            version: Set(logo.version),
            updated_at: Set(now_unix()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The organization's logo, if it has one.
pub async fn image(db: &DatabaseConnection) -> Result<Option<logo::Model>, DbErr> {
    logo::Entity::find_by_id(1).one(db).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, RgbaImage};

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = DynamicImage::ImageRgba8(RgbaImage::from_pixel(
            width,
            height,
            image::Rgba([36, 87, 214, 255]),
        ));
        let image = if format == ImageFormat::Jpeg {
            DynamicImage::ImageRgb8(image.to_rgb8())
        } else {
            image
        };
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    /// PNG's CRC-32 (ISO 3309), bit by bit.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn png_jpeg_and_webp_are_kept_as_png_scaled_to_the_shown_size() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let logo = prepare(&encoded(800, 400, format)).unwrap();
            assert_eq!(
                (logo.width, logo.height),
                (LOGO_SIDE, LOGO_SIDE / 2),
                "{format:?}"
            );
            assert_eq!(image::guess_format(&logo.png).unwrap(), ImageFormat::Png);
            assert_eq!(logo.version.len(), 16);
        }
        // Smaller than shown: kept at its size.
        let small = prepare(&encoded(40, 30, ImageFormat::Png)).unwrap();
        assert_eq!((small.width, small.height), (40, 30));
    }

    #[test]
    fn svg_and_other_files_are_refused_whatever_they_are_called() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert!(prepare(svg).unwrap_err().contains("SVG"));
        assert!(prepare(b"GIF89a....")
            .unwrap_err()
            .contains("not a PNG, JPEG or WebP"));
        assert!(prepare(b"").unwrap_err().contains("Choose"));
    }

    #[test]
    fn a_huge_or_damaged_image_is_refused_before_its_pixels_are_read() {
        // A PNG whose header claims 20,000 × 20,000 pixels (1.6 GB decoded)
        // in a few hundred bytes: refused from the header.
        let mut bomb = encoded(1, 1, ImageFormat::Png);
        let ihdr = bomb.windows(4).position(|w| w == b"IHDR").unwrap() + 4;
        bomb[ihdr..ihdr + 4].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[ihdr + 4..ihdr + 8].copy_from_slice(&20_000u32.to_be_bytes());
        // The chunk's checksum, over its type and its 13 bytes of data.
        let crc = crc32(&bomb[ihdr - 4..ihdr + 13]);
        bomb[ihdr + 13..ihdr + 17].copy_from_slice(&crc.to_be_bytes());
        let message = prepare(&bomb).unwrap_err();
        assert!(message.contains("larger than 4096"), "{message}");

        // One pixel past the limit, in a file of a few bytes.
        let wide = prepare(&encoded(LOGO_MAX_PIXELS + 1, 1, ImageFormat::Png)).unwrap_err();
        assert!(wide.contains("larger than 4096"), "{wide}");

        let mut cut = encoded(300, 300, ImageFormat::Png);
        cut.truncate(cut.len() / 2);
        assert!(prepare(&cut).unwrap_err().contains("damaged"));

        let too_many_bytes = vec![0u8; LOGO_MAX_BYTES + 1];
        assert!(prepare(&too_many_bytes)
            .unwrap_err()
            .contains("larger than 1024 KiB"));
    }
}
