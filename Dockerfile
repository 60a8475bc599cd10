# The operator's image: built with the .NET SDK, run on the chiseled ASP.NET runtime (no shell, no
# package manager, non-root by default), friendly to readOnlyRootFilesystem: nothing is written to disk.
# docker build -t cloudtemple-operator:dev .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The image's architecture (BuildKit sets it): published for it, the operator is compiled ahead of time (ReadyToRun).
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props NuGet.Config .editorconfig ./
COPY src/Entities/CloudTemple.Operator.Entities.csproj src/Entities/
COPY src/Operator/CloudTemple.Operator.csproj src/Operator/
RUN dotnet restore src/Operator/CloudTemple.Operator.csproj -a $TARGETARCH
COPY src/Entities/ src/Entities/
COPY src/Operator/ src/Operator/
RUN dotnet publish src/Operator/CloudTemple.Operator.csproj -c Release -a $TARGETARCH --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# No diagnostics IPC socket in /tmp: the root filesystem can be read-only.
ENV DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0
USER $APP_UID
EXPOSE 8080 8081 9443
ENTRYPOINT ["./cloudtemple-operator"]
CMD ["run"]
