//! The members page's invitations: inviting by email with a role, and the
//! pending invitations with Resend and Revoke (owners and admins), one at
//! a time or selected in bulk, after a confirmation step that then says
//! what became of each.

use crate::{
    api::invitations::{
        get_invitations, BulkInvitations, ImportInvitations, ImportInvitationsFile, InviteMember,
        ResendInvitation, RevokeInvitation,
    },
    components::{
        action_error, field_error, returned_error, ErrorBanner, Field, FieldShell, PastedList,
    },
    model::{
        invitations::{
            BulkAction, BulkOutcome, Invitation, PendingInvitations, RowOutcome, BULK_AT_MOST,
            IMPORTED_PARAMETER, INVITATIONS_PAGE_PARAMETER, INVITED_PARAMETER,
        },
        AppError, Role,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
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
    bulk: ServerAction<BulkInvitations>,
    import: ServerAction<ImportInvitations>,
    pending: Resource<Result<PendingInvitations, AppError>>,
}

impl InvitationsData {
    pub(super) fn load() -> Self {
        let invite = ServerAction::<InviteMember>::new();
        let resend = ServerAction::<ResendInvitation>::new();
        let revoke = ServerAction::<RevokeInvitation>::new();
        let bulk = ServerAction::<BulkInvitations>::new();
        let import = ServerAction::<ImportInvitations>::new();
        let query = use_query_map();
        let page = move || {
            query.with(|q| {
                q.get(INVITATIONS_PAGE_PARAMETER)
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(1)
            })
        };
        let pending = Resource::new(
            move || {
                (
                    page(),
                    invite.version().get(),
                    resend.version().get(),
                    revoke.version().get(),
                    bulk.version().get(),
                    import.version().get(),
                )
            },
            |(page, ..)| get_invitations(page),
        );
        InvitationsData {
            invite,
            resend,
            revoke,
            bulk,
            import,
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
        bulk,
        import,
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
    // The bulk step asked for in the address: the action and the
    // invitations selected (the list's checkboxes are a GET form).
    let asked = move || {
        query.with(|q| {
            let action = BulkAction::parse(&q.get("invitations")?)?;
            let ids: Vec<i64> = q
                .get_all("invitation")
                .unwrap_or_default()
                .iter()
                .filter_map(|id| id.parse().ok())
                .collect();
            Some((action, ids))
        })
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
            <ImportForm import />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(PendingInvitations { invitations: list, page, older }) = pending.await else {
                        return None;
                    };
                    let just_invited = invited_without_js(&list);
                    let on_page = |n: u64| format!("/members?{INVITATIONS_PAGE_PARAMETER}={n}");
                    let pager = (page > 1 || older).then(|| view! {
                        <nav class="pages" aria-label="Pages of invitations" data-testid="invitation-pages">
                            {(page > 1).then(|| view! { <a href=on_page(page - 1) rel="prev">"← Newer"</a> })}
                            <span>{format!("Page {page}")}</span>
                            {older.then(|| view! { <a href=on_page(page + 1) rel="next">"Older →"</a> })}
                        </nav>
                    });
                    // Kept when the change empties the list: it says what
                    // became of each.
                    let step = asked().map(|(action, ids)| view! {
                        <BulkPanel action ids list=list.clone() bulk />
                    });
                    let rest = (!list.is_empty()).then(|| view! {
                        {just_invited}
                        <h3>"Pending invitations"</h3>
                        <ErrorBanner error=list_error />
                        <table class="list" data-testid="pending-invitations">
                            <thead>
                                <tr>
                                    <th><span class="visually-hidden">"Select"</span></th>
                                    <th>"Email"</th><th>"Role"</th><th>"Sent"</th><th>"Link works until"</th><th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|i| view! {
                                    <tr data-testid=format!("invitation-{}", i.email)>
                                        <td>
                                            {your_role.may_assign(i.role).then(|| view! {
                                                <input
                                                    type="checkbox"
                                                    form="bulk-invitations"
                                                    name="invitation"
                                                    value=i.id.to_string()
                                                    aria-label=format!("Select the invitation of {}", i.email)
                                                />
                                            })}
                                        </td>
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
                        <form method="get" action="/members" id="bulk-invitations" class="actions">
                            <button type="submit" name="invitations" value="resend" class="button secondary" data-testid="bulk-resend">
                                "Resend selected…"
                            </button>
                            <button type="submit" name="invitations" value="revoke" class="button secondary" data-testid="bulk-revoke">
                                "Revoke selected…"
                            </button>
                        </form>
                    });
                    Some(view! { {step} {rest} {pager} })
                })}
            </Transition>
        </section>
    }
}

/// Inviting several people at once from a pasted list or a CSV file's
/// text, open when its last list had lines refused or was just invited
/// (without JavaScript, so that the answer is seen).
#[component]
fn ImportForm(import: ServerAction<ImportInvitations>) -> impl IntoView {
    // A file's refused lines come back in the address, for the list field.
    let from_file = returned_error::<ImportInvitationsFile>();
    let pasted_error = action_error(import);
    let error = Signal::derive(move || pasted_error.get().or_else(|| from_file.clone()));
    let query = use_query_map();
    let done = Signal::derive(move || match import.value().get() {
        Some(Ok(emails)) => Some(format!("Invited {}.", emails.join(", "))),
        _ => query
            .with(|q| q.get(IMPORTED_PARAMETER))
            .map(|n| format!("Invited {n}.")),
    });
    let open = error.get_untracked().is_some() || done.get_untracked().is_some();
    let file_at = <ImportInvitationsFile as ServerFn>::PATH;
    view! {
        <details class="import" data-testid="import-invitations" open=open>
            <summary>"Invite several at once"</summary>
            <ActionForm action=import>
                <PastedList
                    id="import-list"
                    label="Addresses, one a line"
                    placeholder="ann@example.com\nbob@example.com, admin"
                    hint=format!(
                        "Each optionally followed by a comma and a role (owner, admin, member, viewer; member if none), \
                         as a spreadsheet saves CSV. At most {BULK_AT_MOST} at once."
                    )
                    error
                    done
                    done_testid="imported"
                />
                <button type="submit" class="button" disabled=move || import.pending().get()>
                    {move || if import.pending().get() { "Sending…" } else { "Send these invitations" }}
                </button>
            </ActionForm>
            <form method="post" action=file_at enctype="multipart/form-data" class="inline-form" data-testid="import-file">
                <div class="field">
                    <label for="import-file">"Or a CSV file"</label>
                    <input id="import-file" type="file" name="file" accept=".csv,text/csv,text/plain" required />
                </div>
                <button type="submit" class="button secondary">"Send the file's invitations"</button>
            </form>
        </details>
    }
}

/// The bulk step: the invitations selected and what will happen to them,
/// the form that does it, then what became of each.
#[component]
fn BulkPanel(
    action: BulkAction,
    ids: Vec<i64>,
    list: Vec<Invitation>,
    bulk: ServerAction<BulkInvitations>,
) -> impl IntoView {
    let error = action_error(bulk);
    let emails: Vec<String> = ids
        .iter()
        .map(|id| {
            list.iter()
                .find(|i| i.id == *id)
                .map_or_else(|| format!("invitation #{id}"), |i| i.email.clone())
        })
        .collect();
    let ids_text = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let (verb, question) = match action {
        BulkAction::Resend => (
            "Resend",
            "They get new links, good for seven more days; the old links stop working.",
        ),
        BulkAction::Revoke => ("Revoke", "Their links stop working at once."),
    };
    let outcome = move || bulk.value().get().and_then(Result::ok);
    let any = !ids.is_empty();
    let form = move || {
        let ids_text = ids_text.clone();
        any.then(move || view! {
            <ActionForm action=bulk>
                <ErrorBanner error />
                <input type="hidden" name="ids" value=ids_text />
                <input type="hidden" name="action" value=action.as_str() />
                <button type="submit" class="button" data-testid="confirm-bulk" disabled=move || bulk.pending().get()>
                    {verb}
                </button>
                " "
                <a href="/members" class="button secondary">"Cancel"</a>
            </ActionForm>
        })
    };
    let ask = move || {
        if emails.is_empty() {
            view! {
                <p>"Select at least one invitation first."</p>
                <a href="/members" class="button secondary">"Back"</a>
            }
            .into_any()
        } else {
            let emails = emails.clone();
            view! {
                <h3>{format!("{verb} {} invitation(s)?", emails.len())}</h3>
                <p>{question}</p>
                <ul>{emails.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                {form()}
            }
            .into_any()
        }
    };
    view! {
        <section class="confirm" data-testid="bulk-invitations-confirm">
            {move || match outcome() {
                Some(outcome) => view! { <BulkResults outcome /> }.into_any(),
                None => ask(),
            }}
        </section>
    }
}

/// What a bulk change did, invitation by invitation.
#[component]
fn BulkResults(outcome: BulkOutcome) -> impl IntoView {
    let summary = format!(
        "{} of {} invitation(s) {}.",
        outcome.done(),
        outcome.rows.len(),
        outcome.action.done()
    );
    let done = outcome.action.done();
    view! {
        <p class="banner success" role="status" data-testid="bulk-summary">{summary}</p>
        <ul data-testid="bulk-results">
            {outcome.rows.into_iter().map(|row| {
                let who = if row.email.is_empty() { format!("invitation #{}", row.id) } else { row.email.clone() };
                let what = match row.outcome {
                    RowOutcome::Done => done.to_owned(),
                    other => format!("not {done}: {}", other.reason()),
                };
                view! { <li data-testid=format!("bulk-row-{}", row.email)>{format!("{who}: {what}")}</li> }
            }).collect_view()}
        </ul>
        <a href="/members" class="button secondary">"Back to the list"</a>
    }
}
