//! Who gets which notification: the organization's default for each kind,
//! overridden by a member's own choice; and the token of each member's
//! one-click unsubscribe links, which turns one kind off without signing
//! in (the link is in every notification, and only in the member's mail).
//!
//! The token only turns notifications off, so it is kept as it is (a
//! digest would have to be a new token in every mail); it names a member of
//! this organization alone, since it is looked up in its own database.

use crate::model::notifications::{Choice, Kind, KindSetting};
use crate::server::{
    entities::tenant::{notification_choices, notification_defaults, notification_tokens},
    mail::{
        branded::{self, Brand, Message},
        Email, Mailer,
    },
    org::audit::{self, Action, Actor, Change},
    secret::random_hex,
};
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbErr, EntityTrait, QueryFilter, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use tenancy::context::TenantInfo;

/// The organization's default for every kind.
pub async fn defaults(db: &impl ConnectionTrait) -> Result<HashMap<Kind, bool>, DbErr> {
    let set: HashMap<Kind, bool> = notification_defaults::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| Kind::parse(&row.kind).map(|kind| (kind, row.enabled)))
        .collect();
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| {
            (
                kind,
                set.get(&kind).copied().unwrap_or(kind.default_enabled()),
            )
        })
        .collect())
}

/// Which of `user_ids` get notifications of `kind`: two statements,
/// however many.
pub async fn wanting(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
    kind: Kind,
) -> Result<HashSet<i64>, DbErr> {
    let default = defaults(db).await?[&kind];
    let own: HashMap<i64, bool> = notification_choices::Entity::find()
        .filter(notification_choices::Column::Kind.eq(kind.as_str()))
        .filter(notification_choices::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.user_id, row.enabled))
        .collect();
    Ok(user_ids
        .iter()
        .copied()
        .filter(|id| own.get(id).copied().unwrap_or(default))
        .collect())
}

/// Every kind as `user_id` has it: the default and their own choice.
pub async fn settings_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<KindSetting>, DbErr> {
    let defaults = defaults(db).await?;
    let own: HashMap<String, bool> = notification_choices::Entity::find()
        .filter(notification_choices::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.kind, row.enabled))
        .collect();
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| KindSetting {
            kind,
            default: defaults[&kind],
            choice: Choice::of(own.get(kind.as_str()).copied()),
        })
        .collect())
}

/// Sets `user_id`'s own choices (a kind not listed is left as it is);
/// audited when anything changed.
pub async fn choose(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i64,
    choices: &[(Kind, Choice)],
) -> Result<(), DbErr> {
    let before = settings_of(db, user_id).await?;
    let changed: Vec<&(Kind, Choice)> = choices
        .iter()
        .filter(|(kind, choice)| {
            before
                .iter()
                .any(|s| s.kind == *kind && s.choice != *choice)
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    for (kind, choice) in &changed {
        match choice.own() {
            // Written over whatever a request beside this one wrote.
            Some(enabled) => {
                notification_choices::Entity::insert(notification_choices::ActiveModel {
                    user_id: Set(user_id),
                    kind: Set(kind.as_str().to_owned()),
                    enabled: Set(enabled),
                })
                .on_conflict(
                    OnConflict::columns([
                        notification_choices::Column::UserId,
                        notification_choices::Column::Kind,
                    ])
                    .update_column(notification_choices::Column::Enabled)
                    .to_owned(),
                )
                .exec(&txn)
                .await?;
            }
            None => {
                notification_choices::Entity::delete_many()
                    .filter(notification_choices::Column::UserId.eq(user_id))
                    .filter(notification_choices::Column::Kind.eq(kind.as_str()))
                    .exec(&txn)
                    .await?;
            }
        }
    }
    let after = changed
        .iter()
        .map(|(kind, choice)| format!("{} {}", kind.as_str(), choice.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let change = Change {
        action: Action::NotificationChoices,
        target: format!("notifications of {}", actor.email),
        before: None,
        after: Some(after),
    };
    audit::record(&txn, actor, change).await?;
    txn.commit().await
}

/// Sets the organization's defaults; audited when anything changed.
pub async fn set_defaults(
    db: &DatabaseConnection,
    actor: &Actor,
    wanted: &[(Kind, bool)],
) -> Result<(), DbErr> {
    let before = defaults(db).await?;
    let changed: Vec<&(Kind, bool)> = wanted
        .iter()
        .filter(|(kind, on)| before[kind] != *on)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    for (kind, enabled) in &changed {
        notification_defaults::Entity::insert(notification_defaults::ActiveModel {
            kind: Set(kind.as_str().to_owned()),
            enabled: Set(*enabled),
        })
        .on_conflict(
            OnConflict::column(notification_defaults::Column::Kind)
                .update_column(notification_defaults::Column::Enabled)
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    }
    let after = changed
        .iter()
        .map(|(kind, on)| format!("{} {}", kind.as_str(), if *on { "on" } else { "off" }))
        .collect::<Vec<_>>()
        .join(", ");
    let change = Change {
        action: Action::NotificationDefaults,
        target: "organization".to_owned(),
        before: None,
        after: Some(after),
    };
    audit::record(&txn, actor, change).await?;
    txn.commit().await
}

/// The token of `user_id`'s unsubscribe links, made the first time.
pub async fn token_of(db: &impl ConnectionTrait, user_id: i64) -> Result<String, DbErr> {
    if let Some(row) = notification_tokens::Entity::find_by_id(user_id)
        .one(db)
        .await?
    {
        return Ok(row.token);
    }
    notification_tokens::Entity::insert(notification_tokens::ActiveModel {
        user_id: Set(user_id),
        token: Set(random_hex(24)),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    // Made here, or by a request beside this one: the one that is kept.
    notification_tokens::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|row| row.token)
        .ok_or(DbErr::RecordNotFound("notification token".to_owned()))
}

/// The member whose unsubscribe links carry `token`.
pub async fn holder(db: &impl ConnectionTrait, token: &str) -> Result<Option<i64>, DbErr> {
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    Ok(notification_tokens::Entity::find()
        .filter(notification_tokens::Column::Token.eq(token))
        .one(db)
        .await?
        .map(|row| row.user_id))
}

/// A notification to one member.
pub struct Notice {
    pub kind: Kind,
    pub user_id: i64,
    pub to: String,
    pub subject: String,
    /// What happened, a paragraph each.
    pub paragraphs: Vec<String>,
    /// The button: a label and an absolute link.
    pub action: (String, String),
}

/// Sends each of `notices` whose member wants its kind, with their
/// one-click unsubscribe link, in the organization's colours. The choices
/// and tokens are read now; the mail goes in the background, so the
/// request that caused it does not wait on the mail server (a failure is
/// logged). `tenant_url` is the organization's configured address.
pub async fn send(
    mailer: &Mailer,
    db: &DatabaseConnection,
    tenant: &TenantInfo,
    tenant_url: &str,
    notices: Vec<Notice>,
) -> Result<(), DbErr> {
    let mut mails = Vec::new();
    for kind in Kind::ALL {
        let of_kind: Vec<&Notice> = notices.iter().filter(|n| n.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let ids: Vec<i64> = of_kind.iter().map(|n| n.user_id).collect();
        let wanting = wanting(db, &ids, kind).await?;
        for notice in of_kind.into_iter().filter(|n| wanting.contains(&n.user_id)) {
            let token = token_of(db, notice.user_id).await?;
            mails.push(mail(tenant, tenant_url, notice, &token));
        }
    }
    if mails.is_empty() {
        return Ok(());
    }
    let mailer = mailer.clone();
    tokio::spawn(async move {
        for email in mails {
            let to = email.to.clone();
            if let Err(e) = mailer.send(email).await {
                tracing::warn!(%to, error = %e, "a notification could not be sent");
            }
        }
    });
    Ok(())
}

/// The address of the one-click unsubscribe link for `kind` with `token`.
pub fn unsubscribe_link(tenant_url: &str, token: &str, kind: Kind) -> String {
    format!(
        "{tenant_url}/unsubscribe?token={token}&kind={}",
        kind.as_str()
    )
}

fn mail(tenant: &TenantInfo, tenant_url: &str, notice: &Notice, token: &str) -> Email {
    let unsubscribe = unsubscribe_link(tenant_url, token, notice.kind);
    let (label, link) = &notice.action;
    let footer = format!(
        "You get this email because of your notification settings in {org}. Stop emails \
         about “{kind}”: {unsubscribe} · All your settings: {tenant_url}/notifications",
        org = tenant.name,
        kind = notice.kind.label().to_lowercase(),
    );
    let html = branded::html(
        &Brand::of(tenant, tenant_url),
        &Message {
            paragraphs: &notice.paragraphs,
            action: (label, link),
            footer: &footer,
        },
    );
    Email {
        to: notice.to.clone(),
        subject: notice.subject.clone(),
        body: format!(
            "{}\n\n{label}: {link}\n\n{footer}\n",
            notice.paragraphs.join("\n\n")
        ),
        html: Some(html),
        unsubscribe: Some(unsubscribe),
    }
}
