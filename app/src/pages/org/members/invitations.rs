//! The members page's invitations: inviting by email with a role, and the
//! pending invitations with Resend and Revoke (owners and admins).

use crate::{
    api::invitations::{get_invitations, InviteMember, ResendInvitation, RevokeInvitation},
    components::{action_error, field_error, ErrorBanner, Field, FieldShell},
    model::{
        invitations::{Invitation, INVITED_PARAMETER},
        AppError, Role,
    },
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The answer to an invitation sent.
#[component]
fn InvitedBanner(email: String) -> impl IntoView {
    view! { <p class="banner success" role="status" data-testid="invited">{format!("Invited {email}.")}</p> }
}

/// The invitation form's action and the pending invitations with theirs,
/// made at the top of the page (not inside a boundary's body, see
/// `components::loading`). Those who may not manage members are refused
/// the list, and are not shown it.
#[derive(Clone, Copy)]
pub(super) struct InvitationsData {
    invite: ServerAction<InviteMember>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    pending: Resource<Result<Vec<Invitation>, AppError>>,
}

impl InvitationsData {
    pub(super) fn load() -> Self {
        let invite = ServerAction::<InviteMember>::new();
        let resend = ServerAction::<ResendInvitation>::new();
        let revoke = ServerAction::<RevokeInvitation>::new();
        let pending = Resource::new(
            move || {
                (
                    invite.version().get(),
                    resend.version().get(),
                    revoke.version().get(),
                )
            },
            |_| get_invitations(),
        );
        InvitationsData {
            invite,
            resend,
            revoke,
            pending,
        }
    }
}

/// Inviting by email with a role, and the invitations still pending, each
/// with Resend and Revoke.
#[component]
pub(super) fn Invitations(your_role: Role, data: InvitationsData) -> impl IntoView {
    let InvitationsData {
        invite,
        resend,
        revoke,
        pending,
    } = data;
    let error = action_error(invite);
    let typed = error.get_untracked().and_then(|e| e.field_value("email"));
    let invited = move || {
        invite
            .value()
            .get()
            .and_then(Result::ok)
            .map(|i| view! { <InvitedBanner email=i.email /> })
    };
    // Posted without JavaScript, the answer comes back as the invitation's
    // id in the address; said only while that invitation is pending, so a
    // link cannot make the page claim an invitation that does not exist.
    let query = use_query_map();
    let invited_without_js = move |list: &[Invitation]| {
        let id: i64 = query
            .with_untracked(|q| q.get(INVITED_PARAMETER))?
            .parse()
            .ok()?;
        let invitation = list.iter().find(|i| i.id == id)?;
        let email = invitation.email.clone();
        invite
            .value()
            .get_untracked()
            .is_none()
            .then(|| view! { <InvitedBanner email /> })
    };
    let (resend_error, revoke_error) = (action_error(resend), action_error(revoke));
    let list_error = Signal::derive(move || resend_error.get().or_else(|| revoke_error.get()));
    view! {
        <section class="invite" data-testid="invite">
            <h2>"Invite someone"</h2>
            <ActionForm action=invite>
                <ErrorBanner error />
                <Field label="Email" name="email" input_type="email" value=typed.unwrap_or_default() error=field_error(error, "email") />
                <FieldShell id="invite-role" name="role" label="Role" error=field_error(error, "role") described=true>
                    <select id="invite-role" name="role" data-testid="invite-role" aria-describedby="invite-role-error">
                        {Role::ALL.into_iter().rev().filter(|r| your_role.may_assign(*r)).map(|r| view! {
                            <option value=r.as_str() selected=r == Role::Member>{r.label()}</option>
                        }).collect_view()}
                    </select>
                </FieldShell>
                <button type="submit" class="button" data-testid="invite-button" disabled=move || invite.pending().get()>
                    {move || if invite.pending().get() { "Sending…" } else { "Send invitation" }}
                </button>
            </ActionForm>
            {invited}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = pending.await.unwrap_or_default();
                    let just_invited = invited_without_js(&list);
                    (!list.is_empty()).then(|| view! {
                        {just_invited}
                        <h3>"Pending invitations"</h3>
                        <ErrorBanner error=list_error />
                        <table class="list" data-testid="pending-invitations">
                            <thead><tr><th>"Email"</th><th>"Role"</th><th>"Sent"</th><th>"Link works until"</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|i| view! {
                                    <tr data-testid=format!("invitation-{}", i.email)>
                                        <td>{i.email.clone()}</td>
                                        <td>{i.role.label()}</td>
                                        <td>{i.sent.clone()}</td>
                                        <td>{if i.expired { format!("expired {}", i.expires) } else { i.expires.clone() }}</td>
                                        <td class="row-actions">
                                            <ActionForm action=resend attr:class="inline">
                                                <input type="hidden" name="id" value=i.id.to_string() />
                                                <button type="submit" class="link" data-testid="resend">"Resend"</button>
                                            </ActionForm>
                                            " · "
                                            <ActionForm action=revoke attr:class="inline">
                                                <input type="hidden" name="id" value=i.id.to_string() />
                                                <button type="submit" class="link" data-testid="revoke">"Revoke"</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })
                })}
            </Transition>
        </section>
    }
}
