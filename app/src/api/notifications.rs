//! Email notifications: a member's own choices, and the organization's
//! defaults (admins).

use crate::model::{notifications::Notifications, AppError};
use leptos::prelude::*;

#[server(endpoint = "notifications")]
pub async fn get_notifications() -> Result<Notifications, AppError> {
    use crate::model::Permission;
    use crate::server::{error::tenant_db, org::notifications, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    let kinds = notifications::settings_of(&access.ctx.db, access.member.user_id)
        .await
        .map_err(tenant_db)?;
    Ok(Notifications {
        kinds,
        admin: access.member.role.grants(Permission::ManageSettings),
    })
}

/// The signed-in member's choice for each kind: `default`, `on` or `off`
/// (one field a kind, named by it).
#[server(endpoint = "update_notifications")]
pub async fn update_notifications(
    membership_changes: String,
    invitations_accepted: String,
    weekly_digest: String,
) -> Result<(), AppError> {
    use crate::model::{
        notifications::{Choice, Kind, SAVED_PARAMETER},
        FieldErrors, Permission,
    };
    use crate::server::{error::tenant_db, org::notifications, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    let mut errors = FieldErrors::default();
    let mut choices = Vec::new();
    for (kind, text) in [
        (Kind::MembershipChanges, &membership_changes),
        (Kind::InvitationsAccepted, &invitations_accepted),
        (Kind::WeeklyDigest, &weekly_digest),
    ] {
        match Choice::parse(text.trim()) {
            Some(choice) => choices.push((kind, choice)),
            None => errors.add(kind.as_str(), "Choose one of the options."),
        }
    }
    errors.into_result()?;
    let (actor, user_id) = (access.actor(), access.member.user_id);
    notifications::choose(&access.ctx.db, &actor, user_id, &choices)
        .await
        .map_err(tenant_db)?;
    if context::plain_form_post() {
        leptos_axum::redirect(&format!("/notifications?{SAVED_PARAMETER}=1"));
    }
    Ok(())
}

/// Which kinds the organization's members get unless they chose otherwise
/// (a checkbox a kind: present is on).
#[server(endpoint = "update_notification_defaults")]
pub async fn update_notification_defaults(
    #[server(default)] membership_changes: Option<String>,
    #[server(default)] invitations_accepted: Option<String>,
    #[server(default)] weekly_digest: Option<String>,
) -> Result<(), AppError> {
    use crate::model::{
        notifications::{Kind, SAVED_PARAMETER},
        Permission,
    };
    use crate::server::{error::tenant_db, org::notifications, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    let wanted = [
        (Kind::MembershipChanges, membership_changes.is_some()),
        (Kind::InvitationsAccepted, invitations_accepted.is_some()),
        (Kind::WeeklyDigest, weekly_digest.is_some()),
    ];
    notifications::set_defaults(&access.ctx.db, &access.actor(), &wanted)
        .await
        .map_err(tenant_db)?;
    if context::plain_form_post() {
        leptos_axum::redirect(&format!("/notifications?{SAVED_PARAMETER}=1"));
    }
    Ok(())
}
