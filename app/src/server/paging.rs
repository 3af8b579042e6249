//! One page of a list, counted and cut in SQL: the page asked for, clamped
//! to the pages there are (an address past the end shows the last page).

use sea_orm::{ConnectionTrait, DbErr, PaginatorTrait, SelectorTrait};

/// A page of `items`, with how many there are in all and how many pages
/// they fill (at least 1).
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// Page `page` (from 1) of `select`, `per_page` a page: two statements, a
/// count and the page.
pub async fn fetch<'db, C, P>(
    select: P,
    db: &'db C,
    per_page: u64,
    page: u64,
) -> Result<Paged<<P::Selector as SelectorTrait>::Item>, DbErr>
where
    C: ConnectionTrait,
    P: PaginatorTrait<'db, C>,
{
    let paginator = select.paginate(db, per_page);
    let counts = paginator.num_items_and_pages().await?;
    let pages = Ord::max(counts.number_of_pages, 1);
    let page = page.clamp(1, pages);
    Ok(Paged {
        items: paginator.fetch_page(page - 1).await?,
        total: counts.number_of_items,
        page,
        pages,
    })
}
