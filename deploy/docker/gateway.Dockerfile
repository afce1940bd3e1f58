# The Actors gateway (HTTP API and web front end). Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t actors-gateway .
# Alone it co-hosts a silo; with Orleans__Mode=client and ConnectionStrings__Postgres it joins a silo cluster.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# ReadyToRun: Orleans and the app's own assemblies are compiled ahead of time (the framework in the base image already
# is), so a container starts without JIT-compiling them: ~0.6 s less CPU to the first answer.
ARG TARGETARCH
RUN dotnet publish src/Actors.Gateway/Actors.Gateway.csproj -c Release -a $TARGETARCH --no-self-contained -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV Urls=http://+:8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Actors.Gateway.dll"]
