#!/usr/bin/python3
"""Validates Kubernetes objects against the model definitions of Debian's python3-kubernetes.

The schema source is deliberately not the project's own code: every object is walked against
the generated models' `openapi_types`/`attribute_map` (Kubernetes 1.22 for python3-kubernetes
22.6), rejecting unknown fields and wrong types, and checked for the name rules the API server
enforces (DNS-1123/1035 names, label keys and values, container, port and volume names).

Input: a JSON array (or object), or a YAML stream, from the file given or stdin.
Output: one line per problem, "<object>: <json path>: <problem>"; exit 1 if there is any.
Run it with /usr/bin/python3 (the system python that has python3-kubernetes).
"""
import json
import re
import sys

try:
    import kubernetes.client as kclient
    from kubernetes.client.configuration import Configuration
except ImportError:  # pragma: no cover
    sys.stderr.write("python3-kubernetes is missing: apt-get install python3-kubernetes\n")
    sys.exit(2)

# Fields newer than the models (Kubernetes 1.22) that we knowingly emit: model -> {json: type}.
NEWER_FIELDS = {
}

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
IANA_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
QUANTITY = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$")


def is_dns1123_label(s):
    return isinstance(s, str) and len(s) <= 63 and bool(DNS1123_LABEL.match(s))


def is_dns1035_label(s):
    return isinstance(s, str) and len(s) <= 63 and bool(DNS1035_LABEL.match(s))


def is_dns1123_subdomain(s):
    return isinstance(s, str) and 0 < len(s) <= 253 and bool(DNS1123_SUBDOMAIN.match(s))


def is_qualified_name(s):
    if not isinstance(s, str) or not s:
        return False
    prefix, _, name = s.rpartition("/")
    if "/" in s and not is_dns1123_subdomain(prefix):
        return False
    return len(name) <= 63 and bool(QUALIFIED_NAME.match(name))


def is_iana_svc_name(s):
    return (isinstance(s, str) and len(s) <= 15 and bool(IANA_SVC_NAME.match(s))
            and "--" not in s and re.search(r"[a-z]", s) is not None)


def model_class(api_version, kind):
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    version = api_version.split("/")[-1]
    return getattr(kclient, version[0].upper() + version[1:] + kind, None)


class Validator:
    def __init__(self):
        self.problems = []
        self.where = ""

    def problem(self, path, message):
        self.problems.append("%s: %s: %s" % (self.where, path or "(root)", message))

    # --- structural walk against the models -------------------------------------------------
    def walk(self, value, type_name, path):
        if value is None:
            self.problem(path, "null is not a valid %s" % type_name)
            return
        if type_name.startswith("list["):
            if not isinstance(value, list):
                self.problem(path, "expected a list, got %s" % type(value).__name__)
                return
            inner = type_name[5:-1]
            for i, item in enumerate(value):
                self.walk(item, inner, "%s[%d]" % (path, i))
            return
        if type_name.startswith("dict("):
            if not isinstance(value, dict):
                self.problem(path, "expected a map, got %s" % type(value).__name__)
                return
            inner = type_name[5:-1].split(",", 1)[1].strip()
            for key, item in value.items():
                if not isinstance(key, str):
                    self.problem(path, "map key %r is not a string" % (key,))
                self.walk(item, inner, "%s.%s" % (path, key))
            return
        if type_name == "str":
            if not isinstance(value, str):
                self.problem(path, "expected a string, got %s %r" % (type(value).__name__, value))
            return
        if type_name == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(path, "expected an integer, got %s %r" % (type(value).__name__, value))
            return
        if type_name == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problem(path, "expected a number, got %r" % (value,))
            return
        if type_name == "bool":
            if not isinstance(value, bool):
                self.problem(path, "expected a boolean, got %s %r" % (type(value).__name__, value))
            return
        if type_name in ("datetime", "date"):
            if not isinstance(value, str):
                self.problem(path, "expected a timestamp string")
            return
        if type_name == "object":
            return  # IntOrString, RawExtension: checked where it matters below
        cls = getattr(kclient, type_name, None)
        if cls is None:
            self.problem(path, "schema has no model %s" % type_name)
            return
        self.walk_model(value, cls, path)

    def walk_model(self, value, cls, path):
        if not isinstance(value, dict):
            self.problem(path, "expected an object (%s), got %s" % (cls.__name__, type(value).__name__))
            return
        by_json = {json_name: attr for attr, json_name in cls.attribute_map.items()}
        extra = NEWER_FIELDS.get(cls.__name__, {})
        kwargs = {}
        for key, item in value.items():
            child = "%s.%s" % (path, key) if path else key
            if key in by_json:
                attr = by_json[key]
                kwargs[attr] = item
                self.walk(item, cls.openapi_types[attr], child)
            elif key in extra:
                self.walk(item, extra[key], child)
            else:
                self.problem(child, "unknown field \"%s\" in %s" % (key, cls.__name__))
        # Required fields: the models' constructors refuse None for them.
        config = Configuration()
        config.client_side_validation = True
        try:
            cls(local_vars_configuration=config, **kwargs)
        except ValueError as e:
            self.problem(path, "%s: %s" % (cls.__name__, e))
        except TypeError:
            pass

    # --- the API server's name and value rules ----------------------------------------------
    def check_labels(self, labels, path):
        if not isinstance(labels, dict):
            return
        for key, value in labels.items():
            if not is_qualified_name(key):
                self.problem("%s.%s" % (path, key), "invalid label key")
            if not isinstance(value, str) or len(value) > 63 or not LABEL_VALUE.match(value):
                self.problem("%s.%s" % (path, key), "invalid label value %r" % (value,))

    def check_metadata(self, meta, kind, path, top_level):
        if not isinstance(meta, dict):
            return
        name = meta.get("name")
        if top_level:
            if kind == "Service":
                ok, rule = is_dns1035_label(name), "a DNS-1035 label"
            elif kind == "Namespace":
                ok, rule = is_dns1123_label(name), "a DNS-1123 label"
            else:
                ok, rule = is_dns1123_subdomain(name), "a DNS-1123 subdomain"
            if not ok:
                self.problem(path + ".name", "invalid name %r: must be %s" % (name, rule))
            ns = meta.get("namespace")
            if ns is not None and not is_dns1123_label(ns):
                self.problem(path + ".namespace", "invalid namespace %r" % (ns,))
        self.check_labels(meta.get("labels"), path + ".labels")
        for key in (meta.get("annotations") or {}):
            if not is_qualified_name(key):
                self.problem("%s.annotations.%s" % (path, key), "invalid annotation key")

    def check_pod_spec(self, spec, path):
        if not isinstance(spec, dict):
            return
        volumes = set()
        for i, v in enumerate(spec.get("volumes") or []):
            name = v.get("name") if isinstance(v, dict) else None
            if not is_dns1123_label(name):
                self.problem("%s.volumes[%d].name" % (path, i), "invalid volume name %r" % (name,))
            if name in volumes:
                self.problem("%s.volumes[%d].name" % (path, i), "duplicate volume %r" % (name,))
            volumes.add(name)
        for i, alias in enumerate(spec.get("hostAliases") or []):
            for j, host in enumerate(alias.get("hostnames") or []):
                if not is_dns1123_subdomain(host):
                    self.problem("%s.hostAliases[%d].hostnames[%d]" % (path, i, j), "invalid hostname %r" % host)
        for field in ("containers", "initContainers"):
            for i, c in enumerate(spec.get(field) or []):
                self.check_container(c, volumes, "%s.%s[%d]" % (path, field, i))

    def check_container(self, c, volumes, path):
        if not isinstance(c, dict):
            return
        if not is_dns1123_label(c.get("name")):
            self.problem(path + ".name", "invalid container name %r" % (c.get("name"),))
        seen = set()
        for i, p in enumerate(c.get("ports") or []):
            name = p.get("name")
            if name is not None and not is_iana_svc_name(name):
                self.problem("%s.ports[%d].name" % (path, i), "invalid port name %r" % (name,))
            port = p.get("containerPort")
            if isinstance(port, int) and not 0 < port < 65536:
                self.problem("%s.ports[%d].containerPort" % (path, i), "out of range")
            if name is not None and name in seen:
                self.problem("%s.ports[%d].name" % (path, i), "duplicate port name %r" % (name,))
            seen.add(name)
        for i, e in enumerate(c.get("env") or []):
            if not isinstance(e.get("name"), str) or not ENV_NAME.match(e.get("name")):
                self.problem("%s.env[%d].name" % (path, i), "invalid variable name %r" % (e.get("name"),))
        for i, m in enumerate(c.get("volumeMounts") or []):
            if m.get("name") not in volumes:
                self.problem("%s.volumeMounts[%d].name" % (path, i), "no volume named %r" % (m.get("name"),))
        for kind in ("limits", "requests"):
            for res, q in ((c.get("resources") or {}).get(kind) or {}).items():
                if not isinstance(q, str) or not QUANTITY.match(q):
                    self.problem("%s.resources.%s.%s" % (path, kind, res), "invalid quantity %r" % (q,))
        sc = c.get("securityContext") or {}
        if sc.get("privileged") is True and sc.get("allowPrivilegeEscalation") is False:
            self.problem(path + ".securityContext", "privileged requires allowPrivilegeEscalation")
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            p = c.get(probe)
            if isinstance(p, dict):
                for f in ("periodSeconds", "timeoutSeconds", "failureThreshold"):
                    if isinstance(p.get(f), int) and p.get(f) < 1:
                        self.problem("%s.%s.%s" % (path, probe, f), "must be at least 1")

    def check_semantics(self, obj, kind):
        self.check_metadata(obj.get("metadata"), kind, "metadata", True)
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        if kind in ("Deployment", "Job"):
            template = spec.get("template") or {}
            self.check_metadata(template.get("metadata") or {}, kind, "spec.template.metadata", False)
            self.check_pod_spec(template.get("spec"), "spec.template.spec")
            tlabels = (template.get("metadata") or {}).get("labels") or {}
            selector = (spec.get("selector") or {}).get("matchLabels") or {}
            self.check_labels(selector, "spec.selector.matchLabels")
            for k, v in selector.items():
                if tlabels.get(k) != v:
                    self.problem("spec.selector.matchLabels." + k, "does not match the template's labels")
            if kind == "Deployment" and not selector:
                self.problem("spec.selector", "a Deployment needs a selector")
        if kind == "Pod":
            self.check_pod_spec(spec, "spec")
        if kind == "Service":
            ports = spec.get("ports") or []
            names = [p.get("name") for p in ports]
            for i, p in enumerate(ports):
                if len(ports) > 1 and not p.get("name"):
                    self.problem("spec.ports[%d].name" % i, "required when a Service has several ports")
                if p.get("name") and not is_iana_svc_name(p.get("name")):
                    self.problem("spec.ports[%d].name" % i, "invalid port name %r" % (p.get("name"),))
                if p.get("name") and names.count(p.get("name")) > 1:
                    self.problem("spec.ports[%d].name" % i, "duplicate port name")
                tp = p.get("targetPort")
                if tp is not None and not isinstance(tp, (int, str)):
                    self.problem("spec.ports[%d].targetPort" % i, "must be an integer or a string")
            if not ports and spec.get("clusterIP") != "None" and spec.get("type") != "ExternalName":
                self.problem("spec.ports", "a Service without ports must be headless")
            self.check_labels(spec.get("selector"), "spec.selector")
        if kind in ("ConfigMap", "Secret"):
            for field in ("data", "binaryData", "stringData"):
                for key in (obj.get(field) or {}):
                    if not CONFIG_KEY.match(key) or key in (".", "..") or key.startswith(".."):
                        self.problem("%s.%s" % (field, key), "invalid key")
        if kind == "NetworkPolicy":
            self.check_labels((spec.get("podSelector") or {}).get("matchLabels"), "spec.podSelector.matchLabels")

    def validate(self, index, obj):
        if not isinstance(obj, dict):
            self.where = "[%d]" % index
            self.problem("", "not an object")
            return
        kind = obj.get("kind")
        self.where = "[%d] %s/%s" % (index, kind, (obj.get("metadata") or {}).get("name"))
        cls = model_class(obj.get("apiVersion"), kind)
        if cls is None:
            self.problem("apiVersion", "unknown apiVersion/kind %r/%r" % (obj.get("apiVersion"), kind))
            return
        self.walk_model(obj, cls, "")
        self.check_semantics(obj, kind)


def load(text):
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{"):
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    import yaml
    return [d for d in yaml.safe_load_all(text) if d is not None]


def main(argv):
    text = open(argv[1], encoding="utf-8").read() if len(argv) > 1 else sys.stdin.read()
    try:
        objects = load(text)
    except Exception as e:  # noqa: BLE001 - any parse failure is a finding
        print("input: cannot parse: %s" % e)
        return 1
    v = Validator()
    for i, obj in enumerate(objects):
        v.validate(i, obj)
    for p in v.problems:
        print(p)
    if not objects:
        print("input: no objects")
        return 1
    sys.stderr.write("%d object(s), %d problem(s)\n" % (len(objects), len(v.problems)))
    return 1 if v.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
