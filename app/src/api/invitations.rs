//! Inviting people: the pending list, inviting, revoking, resending, and the
//! invited person's side: seeing the offer and accepting it.

use crate::model::{
    invitations::{BulkOutcome, Invitation, InvitationOffer, PendingInvitations},
    AppError,
};
use leptos::prelude::*;

/// Page `page` (from 1; the first by default) of the invitations nobody has
/// accepted or revoked yet, newest first.
#[server(endpoint = "invitations")]
pub async fn get_invitations(#[server(default)] page: u64) -> Result<PendingInvitations, AppError> {
    use crate::model::Permission;
    use crate::server::{identity::invitations, web::context};
    let access = context::require(Permission::ManageMembers).await?;
    let local = access.local();
    invitations::pending(&access.state.control, access.ctx.tenant.id, &local, page).await
}

/// Invites `email` with `role` and emails them the link.
#[server(endpoint = "invite_member")]
pub async fn invite_member(email: String, role: String) -> Result<Invitation, AppError> {
    use crate::model::{Permission, Role};
    use crate::server::{identity::invitations, web::context};
    let access = context::require(Permission::ManageMembers).await?;
    let role = Role::parse(role.trim()).ok_or_else(|| AppError::field("role", "Choose a role."))?;
    let inviter = access.inviter()?;
    let invitation = invitations::invite(
        &access.state.control,
        (&access.state.mailer, &access.state.limits),
        &access.ctx,
        &inviter,
        &email,
        role,
    )
    .await?;
    // Without JavaScript the answer cannot be shown in place: the members
    // page says it when the invitation it names is in its pending list.
    if context::plain_form_post() {
        use crate::model::invitations::INVITED_PARAMETER;
        leptos_axum::redirect(&format!("/members?{INVITED_PARAMETER}={}", invitation.id));
    }
    Ok(invitation)
}

/// Withdraws invitation `id`.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{identity::invitations, web::context};
    let access = context::require(Permission::ManageMembers).await?;
    invitations::revoke(&access.state.control, &access.ctx, &access.inviter()?, id).await
}

/// Sends invitation `id` again, with a new link and seven more days.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{identity::invitations, web::context};
    let access = context::require(Permission::ManageMembers).await?;
    let inviter = access.inviter()?;
    invitations::resend(
        &access.state.control,
        (&access.state.mailer, &access.state.limits),
        &access.ctx,
        &inviter,
        id,
    )
    .await
}

/// Resends or revokes the invitations `ids` (comma-separated), at most
/// [`BULK_AT_MOST`](crate::model::invitations::BULK_AT_MOST) at once, and
/// says what became of each. Posted without JavaScript, the members page
/// gets the counts in its address.
#[server(endpoint = "bulk_invitations")]
pub async fn bulk_invitations(ids: String, action: String) -> Result<BulkOutcome, AppError> {
    use crate::model::{
        invitations::{BulkAction, BULK_AT_MOST},
        members::parse_ids,
        Permission,
    };
    use crate::server::{identity::invitations, web::context};
    let access = context::require(Permission::ManageMembers).await?;
    let ids = parse_ids(&ids)
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| AppError::field("form", "Select invitations from the list."))?;
    if ids.len() > BULK_AT_MOST {
        return Err(AppError::field(
            "form",
            format!("Select at most {BULK_AT_MOST} invitations at once."),
        ));
    }
    let action = BulkAction::parse(action.trim())
        .ok_or_else(|| AppError::field("form", "Choose to resend or to revoke."))?;
    let inviter = access.inviter()?;
    let state = &access.state;
    let rows = match action {
        BulkAction::Resend => {
            let mail = (&*state.mailer, &*state.limits);
            invitations::resend_many(&state.control, mail, &access.ctx, &inviter, &ids).await?
        }
        BulkAction::Revoke => {
            invitations::revoke_many(&state.control, &access.ctx, &inviter, &ids).await?
        }
    };
    let outcome = BulkOutcome { action, rows };
    if context::plain_form_post() {
        let done = outcome.done();
        let left = outcome.rows.len() - done;
        leptos_axum::redirect(&format!(
            "/members?done=invitations&action={}&count={done}&left={left}",
            action.as_str()
        ));
    }
    Ok(outcome)
}

/// Invites every address of `list`, one a line, each optionally followed
/// by a role (`ann@example.com, admin`): pasted, or a CSV file's text. The
/// valid lines are invited even when others are not; those come back as
/// field errors `line:N`, and the `list` field keeps only them.
#[server(endpoint = "import_invitations")]
pub async fn import_invitations(list: String) -> Result<Vec<String>, AppError> {
    use crate::model::Permission;
    use crate::server::web::context;
    let access = context::require(Permission::ManageMembers).await?;
    import_list(&access, &list).await
}

/// [`import_invitations`] from an uploaded CSV file (its field `file`):
/// a plain multipart form, with or without JavaScript. Lines refused come
/// back in the pasted list's field, to fix and send from there.
#[server(endpoint = "import_invitations_file", input = server_fn::codec::MultipartFormData)]
pub async fn import_invitations_file(
    data: server_fn::codec::MultipartData,
) -> Result<Vec<String>, AppError> {
    use crate::model::{invitations::IMPORT_MAX_BYTES, Permission};
    use crate::server::web::{context, upload};
    let access = context::require(Permission::ManageMembers).await?;
    let bytes = upload::file_field(data, "file", IMPORT_MAX_BYTES, "list").await?;
    if bytes.len() > IMPORT_MAX_BYTES {
        return Err(AppError::field(
            "list",
            format!(
                "The file is larger than {} KiB: send at most {} invitations at once.",
                IMPORT_MAX_BYTES / 1024,
                crate::model::invitations::BULK_AT_MOST
            ),
        ));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(AppError::field(
            "list",
            "The file is not text: save it as CSV (UTF-8) and send it again.",
        ));
    };
    import_list(&access, text.trim_start_matches('\u{feff}')).await
}

/// Invites `list`'s lines as `access`'s member; without JavaScript, says
/// how many on the members page.
#[cfg(feature = "ssr")]
async fn import_list(
    access: &crate::server::web::context::Access,
    list: &str,
) -> Result<Vec<String>, AppError> {
    use crate::model::invitations::IMPORTED_PARAMETER;
    use crate::server::{identity::invitations, web::context};
    let inviter = access.inviter()?;
    let mail = (&*access.state.mailer, &*access.state.limits);
    let invited =
        invitations::import(&access.state.control, mail, &access.ctx, &inviter, list).await?;
    if context::plain_form_post() {
        leptos_axum::redirect(&format!("/members?{IMPORTED_PARAMETER}={}", invited.len()));
    }
    Ok(invited)
}

/// What invitation `token` offers, on the organization's host.
#[server(endpoint = "invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationOffer, AppError> {
    use crate::server::{identity::invitations, web::context};
    let ctx = context::tenant_ctx()?;
    let state = context::app_state()?;
    invitations::offer(&state.control, &ctx, &token).await
}

/// Accepts invitation `token` (creating the account with `password`, or
/// checking the existing account's), signs the person in on this host and
/// takes them to the organization's home.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    use crate::server::{
        error::internal,
        identity::{invitations, sign_in},
        web::context,
    };
    let ctx = context::tenant_ctx()?;
    let state = context::app_state()?;
    let client = (state.limits.as_ref(), context::client_ip()?);
    let joined = invitations::accept(
        &state.control,
        &state.authority,
        &ctx,
        client,
        &token,
        &password,
    )
    .await?;
    let tenant_url = context::parsed_host()?.tenant_url(&state, &ctx.tenant.slug, "");
    invitations::tell_inviter(&state.control, &state.mailer, &ctx, &joined, &tenant_url).await;
    sign_in::start(
        &context::session().await?,
        joined.user.id,
        Some(ctx.tenant.id),
    )
    .await
    .map_err(internal)?;
    leptos_axum::redirect("/");
    Ok(())
}
