#!/usr/bin/env python3
"""Release packaging for scripts/dist.sh and .github/workflows/release.yml, byte-reproducible
(every timestamp is SOURCE_DATE_EPOCH, every owner 0, entries sorted), standard library only:

  package.py archive BINARY VERSION TARGET OUT_DIR
      OUT_DIR/archaudit-VERSION-TARGET.tar.gz holding archaudit-VERSION-TARGET/{archaudit,README.md}
  package.py sbom TARGET OUT_FILE
      a CycloneDX 1.5 JSON SBOM of what the TARGET build links: the packages `cargo metadata`
      resolves for that platform from Cargo.lock, normal dependencies only (build scripts' and
      tests' dependencies are not in the binary), each with its version, licence, package URL
      and the registry checksum Cargo.lock pins
  package.py sums OUT_DIR
      OUT_DIR/SHA256SUMS over every other file in OUT_DIR, in `sha256sum -c` format
  package.py version
      the crate's version (Cargo.toml), which names the archives and the tag
"""

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tomllib
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def epoch() -> int:
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    out = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True
    )
    return int(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else 0


def archive(binary: str, version: str, target: str, out_dir: str) -> Path:
    name = f"archaudit-{version}-{target}"
    mtime = epoch()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for member, source, mode in [
            (f"{name}/README.md", ROOT / "README.md", 0o644),
            (f"{name}/archaudit", Path(binary), 0o755),
        ]:
            data = source.read_bytes()
            info = tarfile.TarInfo(member)
            info.size, info.mode, info.mtime = len(data), mode, mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    path = Path(out_dir) / f"{name}.tar.gz"
    with open(path, "wb") as f, gzip.GzipFile(
        filename="", mode="wb", fileobj=f, mtime=mtime, compresslevel=9
    ) as gz:
        gz.write(raw.getvalue())
    return path


def sbom(target: str, out_file: str) -> None:
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--locked", "--format-version", "1", "--filter-platform", target],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    )
    lock = tomllib.loads((ROOT / "Cargo.lock").read_text())
    checksums = {(p["name"], p["version"]): p.get("checksum") for p in lock["package"]}
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root_id = meta["resolve"]["root"]

    def normal_deps(node_id):
        return sorted(
            {
                d["pkg"]
                for d in nodes[node_id]["deps"]
                if any(k["kind"] is None for k in d["dep_kinds"])
            }
        )

    seen, todo = set(), [root_id]
    while todo:
        node_id = todo.pop()
        if node_id not in seen:
            seen.add(node_id)
            todo.extend(normal_deps(node_id))

    def ref(node_id):
        p = packages[node_id]
        return f"pkg:cargo/{p['name']}@{p['version']}"

    def component(node_id, kind):
        p = packages[node_id]
        c = {"type": kind, "bom-ref": ref(node_id), "name": p["name"], "version": p["version"]}
        if p.get("description"):
            c["description"] = p["description"].strip()
        if p.get("license"):
            c["licenses"] = [{"expression": p["license"]}]
        c["purl"] = ref(node_id)
        checksum = checksums.get((p["name"], p["version"]))
        if checksum:
            c["hashes"] = [{"alg": "SHA-256", "content": checksum}]
        if p.get("repository"):
            c["externalReferences"] = [{"type": "vcs", "url": p["repository"]}]
        return c

    root = packages[root_id]
    stamp = epoch()
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": "urn:uuid:"
        + str(uuid.uuid5(uuid.NAMESPACE_URL, f"archaudit/{root['version']}/{target}/{stamp}")),
        "version": 1,
        "metadata": {
            "timestamp": datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {"components": [{"type": "application", "name": "archaudit scripts/package.py"}]},
            "component": component(root_id, "application"),
            "properties": [{"name": "cdx:rust:target", "value": target}],
        },
        "components": [component(i, "library") for i in sorted(seen - {root_id}, key=ref)],
        "dependencies": [
            {"ref": ref(i), "dependsOn": [ref(d) for d in normal_deps(i)]}
            for i in sorted(seen, key=ref)
        ],
    }
    Path(out_file).write_text(json.dumps(bom, indent=2) + "\n")


def sums(out_dir: str) -> None:
    lines = []
    for path in sorted(Path(out_dir).iterdir()):
        if path.is_file() and path.name != "SHA256SUMS":
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    (Path(out_dir) / "SHA256SUMS").write_text("".join(lines))


def version() -> str:
    return tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["version"]


def main(argv):
    commands = {"archive": (archive, 4), "sbom": (sbom, 2), "sums": (sums, 1), "version": (version, 0)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        sys.exit(__doc__)
    result = commands[argv[1]][0](*argv[2:])
    if result:
        print(result)


if __name__ == "__main__":
    main(sys.argv)
