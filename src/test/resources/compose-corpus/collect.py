#!/usr/bin/env python3
"""Copies real compose projects from bare git mirrors into this corpus (docs/compose-compatibility.md).

    python3 collect.py MIRRORS_DIR [project ...]

MIRRORS_DIR holds one bare clone per repository as <owner>+<name>/repo (what the `fetch` tool of the
sessions, or `git clone --bare https://github.com/<owner>/<name> <owner>+<name>/repo`, leaves).
PROJECTS below says, per project, which repository and compose file it comes from. For each, the
compose file is copied as written, with every file it points to (bind mount sources, env_file,
secret and config files, extends/include files, build contexts' Dockerfiles and top-level
manifests); a build context's other sources are left out (a dry run builds nothing), large (>64 KiB) or binary files are left out, and a SOURCE file
names the origin (repository, path, commit, license). Run again to refresh a project.
"""
import os
import re
import subprocess
import sys

import yaml

# name: (repository, compose file in it, options)
#   env: a file of the repository copied to .env, as the project's README tells its users to do
#   copy: {file of the repository: name in the project}, other files its README tells users to copy
#   create: {name in the project: content}, files its README tells users to write themselves (secrets)
#   as: the name the compose file gets in the project (when its docs tell users to rename it)
PROJECTS = {
    # docker/awesome-compose: the samples Docker publishes
    "ac-angular": ("docker/awesome-compose", "angular/compose.yaml", {}),
    "ac-apache-php": ("docker/awesome-compose", "apache-php/compose.yaml", {}),
    "ac-aspnet-mssql": ("docker/awesome-compose", "aspnet-mssql/compose.yaml", {}),
    "ac-django": ("docker/awesome-compose", "django/compose.yaml", {}),
    "ac-elk": ("docker/awesome-compose", "elasticsearch-logstash-kibana/compose.yaml", {}),
    "ac-fastapi": ("docker/awesome-compose", "fastapi/compose.yaml", {}),
    "ac-flask-redis": ("docker/awesome-compose", "flask-redis/compose.yaml", {}),
    "ac-gitea-postgres": ("docker/awesome-compose", "gitea-postgres/compose.yaml", {}),
    "ac-minecraft": ("docker/awesome-compose", "minecraft/compose.yaml", {}),
    "ac-nextcloud-redis-mariadb": ("docker/awesome-compose", "nextcloud-redis-mariadb/compose.yaml", {}),
    "ac-nginx-aspnet-mysql": ("docker/awesome-compose", "nginx-aspnet-mysql/compose.yaml", {}),
    "ac-nginx-flask-mongo": ("docker/awesome-compose", "nginx-flask-mongo/compose.yaml", {}),
    "ac-nginx-flask-mysql": ("docker/awesome-compose", "nginx-flask-mysql/compose.yaml", {}),
    "ac-nginx-golang-postgres": ("docker/awesome-compose", "nginx-golang-postgres/compose.yaml", {}),
    "ac-nginx-nodejs-redis": ("docker/awesome-compose", "nginx-nodejs-redis/compose.yaml", {}),
    "ac-nginx-wsgi-flask": ("docker/awesome-compose", "nginx-wsgi-flask/compose.yaml", {}),
    "ac-pihole-cloudflared": ("docker/awesome-compose", "pihole-cloudflared-DoH/compose.yaml", {}),
    "ac-plex": ("docker/awesome-compose", "plex/compose.yaml", {}),
    "ac-portainer": ("docker/awesome-compose", "portainer/compose.yaml", {}),
    "ac-postgresql-pgadmin": ("docker/awesome-compose", "postgresql-pgadmin/compose.yaml", {}),
    "ac-prometheus-grafana": ("docker/awesome-compose", "prometheus-grafana/compose.yaml", {}),
    "ac-react-express-mongodb": ("docker/awesome-compose", "react-express-mongodb/compose.yaml", {}),
    "ac-react-java-mysql": ("docker/awesome-compose", "react-java-mysql/compose.yaml", {}),
    "ac-react-rust-postgres": ("docker/awesome-compose", "react-rust-postgres/compose.yaml", {}),
    "ac-traefik-golang": ("docker/awesome-compose", "traefik-golang/compose.yaml", {}),
    "ac-wasmedge-kafka-mysql": ("docker/awesome-compose", "wasmedge-kafka-mysql/compose.yml", {}),
    "ac-wireguard": ("docker/awesome-compose", "wireguard/compose.yaml", {}),
    "ac-wordpress-mysql": ("docker/awesome-compose", "wordpress-mysql/compose.yaml", {}),
    # applications' own published compose files
    "voting-app": ("dockersamples/example-voting-app", "docker-compose.yml", {}),
    "atsea-shop": ("dockersamples/atsea-sample-shop-app", "docker-compose.yml", {}),
    "dockprom": ("stefanprodan/dockprom", "docker-compose.yml", {}),
    "vegasbrianc-prometheus": ("vegasbrianc/prometheus", "docker-compose.yml", {}),
    "docker-elk": ("deviantony/docker-elk", "docker-compose.yml", {}),
    "sentry-self-hosted": ("getsentry/self-hosted", "docker-compose.yml", {}),
    "mailcow": ("mailcow/mailcow-dockerized", "docker-compose.yml", {}),
    "jitsi-meet": ("jitsi/docker-jitsi-meet", "docker-compose.yml", {"env": "env.example"}),
    "mattermost": ("mattermost/docker", "docker-compose.yml", {"env": "env.example"}),
    "plausible-ce": ("plausible/community-edition", "docker-compose.yml", {}),
    "netbox-docker": ("netbox-community/netbox-docker", "docker-compose.yml", {}),
    "nginx-proxy": ("nginx-proxy/nginx-proxy", "docker-compose.yml", {}),
    "paperless-ngx-postgres": ("paperless-ngx/paperless-ngx", "docker/compose/docker-compose.postgres.yml", {"as": "docker-compose.yml"}),
    "minio-distributed": ("minio/minio", "docs/orchestration/docker-compose/docker-compose.yaml", {}),
    "loki-getting-started": ("grafana/loki", "examples/getting-started/docker-compose.yaml", {}),
    "n8n-postgres-worker": ("n8n-io/n8n-hosting", "docker-compose/withPostgresAndWorker/docker-compose.yml", {}),
    "kong": ("Kong/docker-kong", "compose/docker-compose.yml", {}),
    "docker-mailserver": ("docker-mailserver/docker-mailserver", "compose.yaml", {}),
    "temporal-postgres": ("temporalio/docker-compose", "docker-compose-postgres.yml", {"env": ".env", "as": "docker-compose.yml"}),
    "zulip": ("zulip/docker-zulip", "compose.yaml", {"copy": {"compose.override.yaml.example": "compose.override.yaml"}}),
    "penpot": ("penpot/penpot", "docker/images/docker-compose.yaml", {}),
    "otel-demo": ("open-telemetry/opentelemetry-demo", "compose.yaml", {}),
    "traefik-basic": ("traefik/traefik", "docs/content/user-guides/docker-compose/basic-example/docker-compose.yml", {}),
    "traefik-acme-dns-secrets": ("traefik/traefik", "docs/content/user-guides/docker-compose/acme-dns/docker-compose_secrets.yml", {
        "as": "docker-compose.yml", "create": {"secrets/ovh_endpoint.secret": "ovh-eu\n", "secrets/ovh_application_key.secret": "corpus-key\n",
                                               "secrets/ovh_application_secret.secret": "corpus-secret\n", "secrets/ovh_consumer_key.secret": "corpus-consumer\n"}}),
    "matomo-nginx": ("matomo-org/docker", ".examples/nginx/compose.yml", {}),
    "photoprism": ("photoprism/photoprism", "setup/docker/compose.yaml", {}),
    "nextcloud-proxy-postgres-fpm": ("nextcloud/docker", ".examples/docker-compose/with-nginx-proxy/postgres/fpm/compose.yaml", {}),
    "nextcloud-insecure-mariadb": ("nextcloud/docker", ".examples/docker-compose/insecure/mariadb/apache/compose.yaml", {}),
    # the reference implementation's loader test data (compose-spec/compose-go)
    "compose-go-combined": ("compose-spec/compose-go", "loader/testdata/combined/compose.yaml", {}),
    "compose-go-extends-withdir": ("compose-spec/compose-go", "loader/testdata/extends/withdir/compose.yaml", {}),
    "compose-go-simple": ("compose-spec/compose-go", "cli/testdata/simple/compose.yaml", {}),
}

MAX_FILE = 64 * 1024


def git(mirror, *args):
    return subprocess.run(["git", "--git-dir", mirror, *args], check=True, capture_output=True).stdout


def tree(mirror):
    out = git(mirror, "ls-tree", "-r", "-l", "HEAD").decode()
    files = {}
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        mode, kind, _, size = meta.split()
        if kind == "blob":
            files[path] = (mode, int(size) if size.isdigit() else 1 << 40)  # absent from a partial mirror: too large
    return files


def read_env(text):
    env = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip().strip('"').strip("'")
    return env


def interpolate(s, env):
    def sub(m):
        name, op, arg = m.group(1), m.group(2), m.group(3) or ""
        value = env.get(name)
        if op in (":-", "-"):
            return value if value else arg
        return value or ""
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}", sub, s)


def references(doc, env):
    """(relative path, kind) of everything the compose file points to: build contexts and Dockerfiles, bind sources, files."""
    refs = []

    def add(p, kind):
        if isinstance(p, str):
            p = interpolate(p, env)
            if p and not p.startswith("/") and not p.startswith("~") and "://" not in p:
                refs.append((os.path.normpath(p), kind))

    if not isinstance(doc, dict):
        return refs
    for svc in (doc.get("services") or {}).values():
        if not isinstance(svc, dict):
            continue
        b = svc.get("build")
        if isinstance(b, str):
            add(b, "context")
            add(os.path.join(b, "Dockerfile"), "file")
        elif isinstance(b, dict):
            ctx = b.get("context", ".")
            add(ctx, "context")
            if isinstance(ctx, str):
                add(os.path.join(ctx, b.get("dockerfile", "Dockerfile")), "file")
        for v in svc.get("volumes") or []:
            if isinstance(v, str):
                src = interpolate(v, env).split(":")[0]
                if src.startswith("."):
                    add(src, "mount")
            elif isinstance(v, dict) and v.get("type") == "bind":
                add(v.get("source"), "mount")
        ef = svc.get("env_file")
        for e in (ef if isinstance(ef, list) else [ef] if ef else []):
            add(e.get("path") if isinstance(e, dict) else e, "file")
        ext = svc.get("extends")
        if isinstance(ext, dict) and ext.get("file"):
            add(ext["file"], "compose")
    for section in ("secrets", "configs"):
        for d in (doc.get(section) or {}).values():
            if isinstance(d, dict) and d.get("file"):
                add(d["file"], "mount")
    for inc in doc.get("include") or []:
        for p in (inc.get("path") if isinstance(inc, dict) else inc,):
            for q in (p if isinstance(p, list) else [p]):
                add(q, "compose")
        if isinstance(inc, dict) and inc.get("env_file"):
            add(inc["env_file"], "file")
    return refs


def text_of(mirror, path):
    data = git(mirror, "show", "HEAD:" + path)
    if b"\0" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return data


def collect(mirrors, name, repo, compose, opts, out_root):
    mirror = os.path.join(mirrors, repo.replace("/", "+"), "repo")
    commit = git(mirror, "rev-parse", "HEAD").decode().strip()
    files = tree(mirror)
    base = os.path.dirname(compose)
    out = os.path.join(out_root, name)
    subprocess.run(["rm", "-rf", out], check=True)
    os.makedirs(out)
    copied, dropped, sources, deep = [], [], [], []

    def rel_in_repo(p):
        return os.path.normpath(os.path.join(base, p)) if base else os.path.normpath(p)

    def put(repo_path, target):
        dest = os.path.join(out, target)
        if os.path.exists(dest):
            return
        mode, size = files[repo_path]
        if mode == "120000":
            dropped.append(target + " (a symbolic link)")
            return
        data = text_of(mirror, repo_path) if size <= MAX_FILE else None
        if data is None:
            dropped.append(target + (" (binary)" if size <= MAX_FILE else " (%d bytes)" % size))
            return
        os.makedirs(os.path.dirname(dest) or out, exist_ok=True)
        with open(dest, "wb") as f:
            f.write(data)
        if mode == "100755":
            os.chmod(dest, 0o755)
        copied.append(target)

    compose_name = opts.get("as", os.path.basename(compose))
    put(compose, compose_name)
    env = {}
    env_src = opts.get("env")
    if env_src:
        put(rel_in_repo(env_src), ".env")
    elif rel_in_repo(".env") in files:
        put(rel_in_repo(".env"), ".env")
    for src, dest in opts.get("copy", {}).items():
        put(rel_in_repo(src), dest)
    for dest, content in opts.get("create", {}).items():
        os.makedirs(os.path.dirname(os.path.join(out, dest)), exist_ok=True)
        with open(os.path.join(out, dest), "w") as f:
            f.write(content)
    if os.path.exists(os.path.join(out, ".env")):
        env = read_env(open(os.path.join(out, ".env")).read())

    pending = [(compose, compose_name)]
    seen = set()
    while pending:
        repo_file, local = pending.pop()
        if repo_file in seen:
            continue
        seen.add(repo_file)
        doc = yaml.safe_load(git(mirror, "show", "HEAD:" + repo_file))
        local_dir = os.path.dirname(local)
        for ref, kind in references(doc, env):
            target = os.path.normpath(os.path.join(local_dir, ref))
            if target.startswith(".."):
                continue  # leaves the project: the import refuses it, as it should
            repo_path = rel_in_repo(target)
            if repo_path in files:
                put(repo_path, target)
                if kind == "compose":
                    pending.append((repo_path, target))
                continue
            under = [f for f in files if f.startswith(repo_path.rstrip("/") + "/") or repo_path == "."]
            for f in sorted(under):
                t = os.path.normpath(os.path.join(target, os.path.relpath(f, repo_path)))
                if kind == "mount":
                    if len(under) <= 40 or os.path.dirname(os.path.relpath(f, repo_path)) == "":
                        put(f, t)
                    else:
                        deep.append(t)
                elif os.path.basename(f) in ("Dockerfile", ".dockerignore") or (os.path.dirname(os.path.relpath(f, repo_path)) == ""
                                                                               and f.endswith((".txt", ".json", ".toml", ".mod", ".xml", ".sh", ".conf"))):
                    put(f, t)
                else:
                    sources.append(t)
    lic = [f for f in files if "/" not in f and re.match(r"(?i)^(licen[cs]e|copying)", f)]
    license_text = git(mirror, "show", "HEAD:" + lic[0]).decode(errors="replace") if lic else ""
    with open(os.path.join(out, "SOURCE"), "w") as f:
        f.write("repository: https://github.com/%s\n" % repo)
        f.write("path: %s\n" % compose)
        f.write("commit: %s\n" % commit)
        f.write("license: %s (%s)\n" % (spdx(license_text), lic[0] if lic else "no license file at the repository's root"))
        if env_src:
            f.write("note: %s copied to .env, as the project's README tells its users to do\n" % env_src)
        for src, dest in opts.get("copy", {}).items():
            f.write("note: %s copied to %s, as the project's README tells its users to do\n" % (src, dest))
        for dest in opts.get("create", {}):
            f.write("note: %s written by the corpus with a placeholder value (the project's docs tell users to write it)\n" % dest)
        if compose_name != os.path.basename(compose):
            f.write("note: the compose file is saved as %s (the name its docs tell users to give it)\n" % compose_name)
        f.write("copied as written: %s\n" % ", ".join(sorted(copied)))
        if sources:
            f.write("left out: %d source files of build contexts (only Dockerfiles and top-level manifests are kept; a dry run builds nothing)\n" % len(set(sources)))
        if deep:
            f.write("left out: %d files below the top level of mounted directories of more than 40 files\n" % len(set(deep)))
        if dropped:
            f.write("left out: %s\n" % ", ".join(sorted(set(dropped))))


def spdx(text):
    t = text[:4000]
    for needle, name in (("Functional Source License", "FSL-1.1"), ("Business Source License", "BUSL-1.1"),
                         ("Mozilla Public License", "MPL-2.0"), ("GNU AFFERO GENERAL PUBLIC LICENSE", "AGPL-3.0"),
                         ("GNU GENERAL PUBLIC LICENSE", "GPL"), ("Apache License", "Apache-2.0"), ("CC0 1.0", "CC0-1.0"),
                         ("Permission is hereby granted, free of charge", "MIT"), ("Redistribution and use in source", "BSD")):
        if needle.lower() in t.lower():
            return name
    return "see the repository"


if __name__ == "__main__":
    mirrors = sys.argv[1]
    names = sys.argv[2:] or list(PROJECTS)
    here = os.path.dirname(os.path.abspath(__file__))
    for n in names:
        repo, compose, opts = PROJECTS[n]
        try:
            collect(mirrors, n, repo, compose, opts, here)
            print("ok  ", n)
        except Exception as e:  # a missing mirror or file: say so, go on
            print("FAIL", n, e)
