#!/usr/bin/python3
"""Dumps the field schema of the Kubernetes kinds the engine uses from Debian's python3-kubernetes.

The models (openapi_types + attribute_map) describe Kubernetes 1.22. Output: JSON
{"models": {"V1Deployment": {"apiVersion": "str", "spec": "V1DeploymentSpec", ...}}, "kinds": {...}}
where field names are the JSON (wire) names and types keep the python client's notation
(str, int, bool, float, datetime, object, dict(str, T), list[T], V1Model).
Run with Debian's interpreter: /usr/bin/python3 dump_schema.py OUT.json
"""
import json
import re
import sys

import kubernetes
import kubernetes.client as client

KINDS = {
    "Namespace": "V1Namespace", "ConfigMap": "V1ConfigMap", "Secret": "V1Secret",
    "Service": "V1Service", "ServiceAccount": "V1ServiceAccount",
    "ResourceQuota": "V1ResourceQuota", "LimitRange": "V1LimitRange", "Pod": "V1Pod",
    "Event": "CoreV1Event", "Deployment": "V1Deployment", "ReplicaSet": "V1ReplicaSet",
    "Job": "V1Job", "NetworkPolicy": "V1NetworkPolicy", "DeleteOptions": "V1DeleteOptions",
    "PersistentVolumeClaim": "V1PersistentVolumeClaim", "StorageClass": "V1StorageClass",
}


def referenced(type_name):
    return re.findall(r"\b((?:V\d\w*|CoreV1\w*|EventsV1\w*))\b", type_name)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "-"
    models = {}
    todo = list(KINDS.values())
    while todo:
        name = todo.pop()
        if name in models:
            continue
        cls = getattr(client, name)
        fields = {}
        for attr, type_name in cls.openapi_types.items():
            fields[cls.attribute_map[attr]] = type_name
            todo.extend(referenced(type_name))
        models[name] = fields
    doc = {"source": "python3-kubernetes " + kubernetes.__version__, "kinds": KINDS, "models": models}
    text = json.dumps(doc, indent=1, sort_keys=True)
    if out == "-":
        print(text)
    else:
        with open(out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
