"""Common software a ticket names by its product name ("deploy redis"), and what the offline planner assumes for
it when the ticket does not say: the image, the port it listens on, whether it keeps data (a StatefulSet with a
volume) and where that data lives, and the credential it needs from a Secret.

Images are pinned to a version, never `latest`: a manifest in git must say what runs."""

from __future__ import annotations

from opsdesk.frozen import frozen


@frozen
class Software:
    name: str
    """The canonical name: the workload's name when the ticket gives no other."""
    repository: str
    """The image without a tag."""
    version: str
    port: int | None
    stateful: bool = False
    data_path: str | None = None
    aliases: tuple[str, ...] = ()
    secret_env: tuple[str, ...] = ()
    """Environment variables the image needs from the `<name>-credentials` Secret (key `password`)."""

    @property
    def image(self) -> str:
        return f"{self.repository}:{self.version}"

    def image_at(self, tag: str) -> str:
        return f"{self.repository}:{tag}"


CATALOGUE: tuple[Software, ...] = (
    Software("redis", "redis", "7.2", 6379, True, "/data", ("valkey",)),
    Software("postgres", "postgres", "16", 5432, True, "/var/lib/postgresql/data", ("postgresql", "pg", "psql"),
             ("POSTGRES_PASSWORD",)),
    Software("mysql", "mysql", "8.4", 3306, True, "/var/lib/mysql", (), ("MYSQL_ROOT_PASSWORD",)),
    Software("mariadb", "mariadb", "11.4", 3306, True, "/var/lib/mysql", (), ("MARIADB_ROOT_PASSWORD",)),
    Software("mongo", "mongo", "7.0", 27017, True, "/data/db", ("mongodb",)),
    Software("kafka", "apache/kafka", "3.7.0", 9092, True, "/var/lib/kafka/data"),
    Software("zookeeper", "zookeeper", "3.9", 2181, True, "/data"),
    Software("rabbitmq", "rabbitmq", "3.13-management", 5672, True, "/var/lib/rabbitmq"),
    Software("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch", "8.14.0", 9200, True,
             "/usr/share/elasticsearch/data", ("opensearch",)),
    Software("cassandra", "cassandra", "4.1", 9042, True, "/var/lib/cassandra"),
    Software("etcd", "quay.io/coreos/etcd", "v3.5.14", 2379, True, "/var/run/etcd"),
    Software("minio", "minio/minio", "RELEASE.2024-06-13T22-53-53Z", 9000, True, "/data"),
    Software("nats", "nats", "2.10", 4222),
    Software("memcached", "memcached", "1.6", 11211),
    Software("nginx", "nginx", "1.27", 80),
    Software("httpd", "httpd", "2.4", 80),
    Software("haproxy", "haproxy", "2.9", 80),
    Software("traefik", "traefik", "v3.0", 80),
    Software("grafana", "grafana/grafana", "11.0.0", 3000),
    Software("prometheus", "prom/prometheus", "v2.53.0", 9090, True, "/prometheus"),
    Software("keycloak", "quay.io/keycloak/keycloak", "24.0", 8080),
)

BY_SPELLING: dict[str, Software] = {
    spelling: software for software in CATALOGUE for spelling in (software.name, *software.aliases)}


def lookup(word: str) -> Software | None:
    """The software a word names: exactly, or misspelt by one letter for names of five letters or more
    ("postgress", "rabitmq")."""
    exact = BY_SPELLING.get(word)
    if exact is not None or len(word) < 5:
        return exact
    for spelling, software in BY_SPELLING.items():
        if len(spelling) >= 5 and one_edit_apart(word, spelling):
            return software
    return None


def one_edit_apart(a: str, b: str) -> bool:
    """One letter inserted, deleted, replaced, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[
            diffs[0]]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))
