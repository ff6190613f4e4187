//! API tokens: issued by an administrator for one role, shown once, kept only as a SHA-256 hash, revocable.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `api_token`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000007_api_tokens"
    }
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    OrganisationId,
    Name,
    Role,
    TokenHash,
    TokenPrefix,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(big_pk_auto(ApiToken::Id))
                    .col(big_integer(ApiToken::OrganisationId))
                    .col(string_len(ApiToken::Name, 100))
                    .col(string_len(ApiToken::Role, 32))
                    .col(string_len_uniq(ApiToken::TokenHash, 64))
                    .col(string_len(ApiToken::TokenPrefix, 16))
                    .col(big_integer(ApiToken::CreatedBy))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_token_organisation")
                            .from(ApiToken::Table, ApiToken::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_token_created_by")
                            .from(ApiToken::Table, ApiToken::CreatedBy)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_api_token_organisation")
                    .table(ApiToken::Table)
                    .col(ApiToken::OrganisationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await
    }
}
