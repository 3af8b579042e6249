use clap::Parser;
use server::{
    config::{Cli, Command},
    connect_control, leptos_options, telemetry, Application,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let options = leptos_options(&cli.config.leptos_toml)?;
            let app = Application::build(&cli.config, options).await?;
            tracing::info!(
                "Tenantry is listening on port {}: open http://{}:{}/",
                app.port(),
                app.state().settings.base_domain,
                app.port()
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            connect_control(&cli.config).await?;
            tracing::info!("control-plane database is at the latest schema");
        }
    }
    Ok(())
}
