# The Actors gateway (HTTP API and web front end). Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t actors-gateway .
# Alone it co-hosts a silo; with Orleans__Mode=client and ConnectionStrings__Postgres it joins a silo cluster.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Actors.Gateway/Actors.Gateway.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV Urls=http://+:8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Actors.Gateway.dll"]
