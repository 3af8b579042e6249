//! `/members`: the list (search, role filter, order, pages), role changes
//! and removal after a confirmation step, leaving, and the invitations
//! (`invitations`).

mod invitations;

use crate::{
    api::members::{get_members, ChangeMemberRoles, LeaveOrganization, RemoveMembers},
    components::{action_error, field_error, Alert, ErrorBanner, FieldShell, Loaded},
    model::{
        members::{Member, MemberList, MemberSort},
        AppError, Permission, Role,
    },
    pages::{org::OrgPage, query_string},
};
use invitations::{Invitations, InvitationsData};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The list's filter, order and page, as the address holds them: every
/// link and form of the page keeps them, so a confirmation step or a
/// cancelled one comes back to the same page of the same list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ListAddress {
    q: String,
    role: String,
    sort: String,
    page: String,
}

impl ListAddress {
    /// `/members` with this list's query and `extra`.
    fn href(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![
            ("q", self.q.as_str()),
            ("role", self.role.as_str()),
            ("sort", self.sort.as_str()),
            ("page", self.page.as_str()),
        ];
        pairs.extend_from_slice(extra);
        format!("/members{}", query_string(&pairs))
    }

    /// The same list, on page `page`.
    fn on_page(&self, page: u64) -> String {
        let other = ListAddress {
            page: page.to_string(),
            ..self.clone()
        };
        other.href(&[])
    }
}

/// What the address asks the page to confirm: `?confirm=role|remove|leave`
/// with the `selected` user ids. Confirmation is a step of its own, in the
/// address, so it works the same with and without JavaScript.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Confirm {
    ChangeRole(Vec<i64>),
    Remove(Vec<i64>),
    Leave,
}

/// `/members` on an organization's host: everyone in it, searchable and
/// filterable by role; owners and admins change roles and remove members,
/// one at a time or in bulk, each after a confirmation step.
#[component]
pub fn MembersPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    let address = move || ListAddress {
        q: param("q"),
        role: param("role"),
        sort: param("sort"),
        page: param("page"),
    };
    let change = ServerAction::<ChangeMemberRoles>::new();
    let remove = ServerAction::<RemoveMembers>::new();
    let leave = ServerAction::<LeaveOrganization>::new();
    let list = Resource::new_blocking(
        move || (address(), change.version().get(), remove.version().get()),
        |(address, _, _)| get_members(address.q, address.role, address.sort, address.page),
    );
    let confirm = move || {
        query.with(|q| {
            let selected: Vec<i64> = q
                .get_all("selected")
                .unwrap_or_default()
                .iter()
                .filter_map(|id| id.parse().ok())
                .collect();
            match q.get("confirm").as_deref() {
                Some("role") => Some(Confirm::ChangeRole(selected)),
                Some("remove") => Some(Confirm::Remove(selected)),
                Some("leave") => Some(Confirm::Leave),
                _ => None,
            }
        })
    };
    let invitations = InvitationsData::load();
    // A search that cannot be run: the filters again, with the reason next
    // to the search box.
    let explain = move |e: &AppError| {
        e.field_error("search")
            .map(|problem| view! { <FilterForm address=address() error=problem /> }.into_any())
    };
    let done = move || {
        let count = param("count");
        match param("done").as_str() {
            "role" => Some(format!("Changed the role of {count} member(s).")),
            "removed" => Some(format!("Removed {count} member(s).")),
            "invitations" => {
                let done = if param("action") == "revoke" {
                    "Revoked"
                } else {
                    "Resent"
                };
                let left = param("left");
                let left = (!left.is_empty() && left != "0").then(|| {
                    format!(
                        " {left} could not be: accepted or withdrawn meanwhile, an owner's \
                         (only owners change those), mailed too often lately, or its mail failed."
                    )
                });
                Some(format!(
                    "{done} {count} invitation(s).{}",
                    left.unwrap_or_default()
                ))
            }
            _ => None,
        }
    };

    view! {
        <Title text="Members" />
        <OrgPage children=move |_| view! {
            <h1>"Members"</h1>
            {move || done().map(|message| view! { <p class="banner success" role="status" data-testid="done">{message}</p> })}
            <Loaded resource=list explain=explain children=move |page: MemberList| {
                let address = address();
                view! {
                    <FilterForm address=address.clone() />
                    {confirm().map(|c| view! {
                        <ConfirmPanel confirm=c page=page.clone() address=address.clone() change remove leave />
                    })}
                    {page.your_role.grants(Permission::ManageMembers).then(|| view! {
                        <Invitations your_role=page.your_role data=invitations />
                    })}
                    <MemberTable page address />
                }
            } />
        } />
    }
}

/// Search by email, filter by role and choose the order, as a plain GET
/// form (a new filter starts at page 1).
#[component]
fn FilterForm(
    address: ListAddress,
    /// Why the search could not be run, shown next to it.
    #[prop(optional, into)]
    error: Option<String>,
) -> impl IntoView {
    let error = Signal::stored(error);
    view! {
        <form method="get" action="/members" class="filters" data-testid="member-filter">
            <FieldShell id="members-q" name="q" label="Search" error>
                <input id="members-q" name="q" type="search" value=address.q placeholder="email" />
            </FieldShell>
            <FieldShell id="members-role" name="role" label="Role">
                <select id="members-role" name="role" data-testid="role-filter">
                    <option value="">"Any"</option>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=r.as_str() == address.role>{r.label()}</option>
                    }).collect_view()}
                </select>
            </FieldShell>
            <FieldShell id="members-sort" name="sort" label="Order">
                <select id="members-sort" name="sort" data-testid="member-sort">
                    {MemberSort::ALL.into_iter().map(|order| view! {
                        <option value=order.as_str() selected=order == MemberSort::parse(&address.sort)>{order.label()}</option>
                    }).collect_view()}
                </select>
            </FieldShell>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
    }
}

/// The list, with a checkbox per member the viewer may change, and the
/// bulk buttons that lead to the confirmation step.
#[component]
fn MemberTable(page: MemberList, address: ListAddress) -> impl IntoView {
    let manages = page.your_role.grants(Permission::ManageMembers);
    let your_role = page.your_role;
    let row_link = {
        let address = address.clone();
        move |action: &str, id: i64| {
            address.href(&[("confirm", action), ("selected", &id.to_string())])
        }
    };
    let previous = (page.page > 1).then(|| address.on_page(page.page - 1));
    let next = (page.page < page.pages).then(|| address.on_page(page.page + 1));
    let summary = if page.matching == page.total {
        format!("{} member(s)", page.total)
    } else {
        format!("{} of {} member(s) match", page.matching, page.total)
    };
    let (current, pages) = (page.page, page.pages);
    view! {
        <form method="get" action="/members" id="bulk">
            <input type="hidden" name="q" value=address.q.clone() />
            <input type="hidden" name="role" value=address.role.clone() />
            <input type="hidden" name="sort" value=address.sort.clone() />
            <input type="hidden" name="page" value=current.to_string() />
            <p class="muted" data-testid="member-count">{summary}</p>
            {if page.members.is_empty() {
                view! { <p class="muted" data-testid="members-empty">"No members match this filter."</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="members">
                        <thead>
                            <tr>
                                {manages.then(|| view! { <th><span class="visually-hidden">"Select"</span></th> })}
                                <th>"Email"</th><th>"Role"</th><th>"Joined"</th>
                                {manages.then(|| view! { <th>"Actions"</th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {page.members.into_iter().map(|m: Member| {
                                let may_change = manages && your_role.may_assign(m.role);
                                let id = m.user_id;
                                let (role_href, remove_href) = (row_link("role", id), row_link("remove", id));
                                view! {
                                    <tr data-testid=format!("member-{}", m.email)>
                                        {manages.then(|| view! {
                                            <td>
                                                {may_change.then(|| view! {
                                                    <input type="checkbox" name="selected" value=id.to_string() aria-label=format!("Select {}", m.email) />
                                                })}
                                            </td>
                                        })}
                                        <td>{m.email.clone()}{m.you.then_some(" (you)")}</td>
                                        <td data-testid="member-role">{m.role.label()}</td>
                                        <td>{m.joined.clone()}</td>
                                        {manages.then(|| view! {
                                            <td class="row-actions">
                                                {may_change.then(|| view! {
                                                    <a href=role_href data-testid="change-role">"Change role"</a>
                                                    " · "
                                                    <a href=remove_href data-testid="remove">"Remove"</a>
                                                })}
                                            </td>
                                        })}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <div class="actions">
                {manages.then(|| view! {
                    <button type="submit" name="confirm" value="role" class="button secondary" data-testid="bulk-role">"Change role of selected…"</button>
                    <button type="submit" name="confirm" value="remove" class="button secondary" data-testid="bulk-remove">"Remove selected…"</button>
                })}
                <a href="/members?confirm=leave" class="button secondary" data-testid="leave">"Leave organization…"</a>
            </div>
        </form>
        {(pages > 1).then(|| view! {
            <nav class="pages" aria-label="Pages of members" data-testid="member-pages">
                {previous.map(|href| view! { <a href=href rel="prev">"← Previous"</a> })}
                <span>{format!("Page {current} of {pages}")}</span>
                {next.map(|href| view! { <a href=href rel="next">"Next →"</a> })}
            </nav>
        })}
    }
}

/// The confirmation step: what will happen to whom, and the form that does
/// it. An error comes back here, next to the choice that caused it.
#[component]
fn ConfirmPanel(
    confirm: Confirm,
    page: MemberList,
    address: ListAddress,
    change: ServerAction<ChangeMemberRoles>,
    remove: ServerAction<RemoveMembers>,
    leave: ServerAction<LeaveOrganization>,
) -> impl IntoView {
    let cancel = address.href(&[]);
    let emails_of = |ids: &[i64]| -> Vec<String> {
        ids.iter()
            .map(|id| {
                page.members
                    .iter()
                    .find(|m| m.user_id == *id)
                    .map_or_else(|| format!("member #{id}"), |m| m.email.clone())
            })
            .collect()
    };
    let ids_text = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let body = match confirm {
        Confirm::ChangeRole(ids) | Confirm::Remove(ids) if ids.is_empty() => view! {
            <Alert>"Select at least one member first."</Alert>
            <a href=cancel.clone() class="button secondary">"Back"</a>
        }
        .into_any(),
        Confirm::ChangeRole(ids) => {
            let error = action_error(change);
            let assignable: Vec<Role> = Role::ALL
                .into_iter()
                .filter(|r| page.your_role.may_assign(*r))
                .collect();
            let emails = emails_of(&ids);
            view! {
                <h2>{format!("Change the role of {} member(s)", ids.len())}</h2>
                <ul>{emails.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                <ActionForm action=change>
                    <ErrorBanner error />
                    <input type="hidden" name="user_ids" value=ids_text(&ids) />
                    <FieldShell id="new-role" name="role" label="New role" error=field_error(error, "role") described=true>
                        <select id="new-role" name="role" data-testid="new-role" aria-describedby="new-role-error">
                            {assignable.into_iter().map(|r| view! {
                                <option value=r.as_str()>{r.label()}</option>
                            }).collect_view()}
                        </select>
                    </FieldShell>
                    <button type="submit" class="button" data-testid="confirm-button" disabled=move || change.pending().get()>
                        "Change role"
                    </button>
                    " "
                    <a href=cancel.clone() class="button secondary">"Cancel"</a>
                </ActionForm>
            }
            .into_any()
        }
        Confirm::Remove(ids) => {
            let error = action_error(remove);
            let emails = emails_of(&ids);
            view! {
                <h2>{format!("Remove {} member(s)?", ids.len())}</h2>
                <p>"They lose access to this organization at once. Their accounts stay, with their other organizations."</p>
                <ul>{emails.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                <ActionForm action=remove>
                    <ErrorBanner error />
                    <input type="hidden" name="user_ids" value=ids_text(&ids) />
                    <button type="submit" class="button danger" data-testid="confirm-button" disabled=move || remove.pending().get()>
                        "Remove"
                    </button>
                    " "
                    <a href=cancel.clone() class="button secondary">"Cancel"</a>
                </ActionForm>
            }
            .into_any()
        }
        Confirm::Leave => {
            let error = action_error(leave);
            view! {
                <h2>"Leave this organization?"</h2>
                <p>"You lose access at once; an admin can invite you again."</p>
                <ActionForm action=leave>
                    <ErrorBanner error />
                    <button type="submit" class="button danger" data-testid="confirm-button" disabled=move || leave.pending().get()>
                        "Leave"
                    </button>
                    " "
                    <a href=cancel.clone() class="button secondary">"Cancel"</a>
                </ActionForm>
            }
            .into_any()
        }
    };
    view! { <section class="confirm" data-testid="confirm">{body}</section> }
}
