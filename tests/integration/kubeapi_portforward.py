#!/usr/bin/python3
"""Checks the test API server's v4 port-forward with Debian's python3-kubernetes client.

Starts rr-test-apiserver with fresh certificates (or uses REPORUNNER_TEST_KUBECONFIG, where the
pod must really serve an echo on port 8080), runs a real local TCP echo service, creates a
Deployment whose pod port 8080 forwards there, and moves bytes through
kubernetes.stream.portforward, comparing them byte for byte. Then it deletes the pod and
re-attaches to the replacement the ReplicaSet creates.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from kubernetes import client, config
from kubernetes.stream import portforward


def echo_server():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)

    def serve(conn):
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data)

    def accept():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return srv.getsockname()[1]


def start_server(args, workdir):
    certs = os.path.join(workdir, "certs")
    subprocess.run(["/bin/sh", args.certs_script, certs], check=True)
    kubeconfig = os.path.join(workdir, "kubeconfig")
    proc = subprocess.Popen([args.server, "--cert-dir", certs, "--schema", args.schema,
                             "--kubeconfig-out", kubeconfig], stdout=subprocess.PIPE)
    line = proc.stdout.readline().decode()
    if not line.startswith("READY "):
        raise SystemExit("server did not start: %r" % line)
    return proc, kubeconfig


def wait_running_pod(core, ns, exclude=()):
    deadline = time.time() + 30
    while time.time() < deadline:
        for pod in core.list_namespaced_pod(ns, label_selector="app=echo").items:
            if pod.metadata.name in exclude or pod.metadata.deletion_timestamp:
                continue
            if pod.status.phase == "Running":
                return pod.metadata.name
        time.sleep(0.2)
    raise AssertionError("no running echo pod")


def roundtrip(core, ns, pod, payload):
    pf = portforward(core.connect_get_namespaced_pod_portforward, pod, ns, ports="8080")
    sock = pf.socket(8080)
    sock.settimeout(20)
    sock.sendall(payload)
    got = b""
    while len(got) < len(payload):
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    sock.close()
    assert pf.error(8080) is None, pf.error(8080)
    return got


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--certs-script", required=True)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="rr-kubeapi-pf-")
    proc = None
    real = os.environ.get("REPORUNNER_TEST_KUBECONFIG")
    try:
        if real:
            kubeconfig = real
        else:
            proc, kubeconfig = start_server(args, workdir)
        config.load_kube_config(config_file=kubeconfig)
        core = client.CoreV1Api()
        apps = client.AppsV1Api()
        ns = "rr-pf-%d" % os.getpid()
        port = echo_server()
        core.create_namespace({"metadata": {"name": ns}})
        apps.create_namespaced_deployment(ns, {
            "metadata": {"name": "echo"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "echo"}},
                     "template": {"metadata": {"labels": {"app": "echo"},
                                               "annotations": {"test.reporunner.dev/forward-8080": "127.0.0.1:%d" % port}},
                                  "spec": {"containers": [{"name": "echo", "image": "busybox:1.36",
                                                           "command": ["nc", "-lk", "-p", "8080", "-e", "cat"],
                                                           "ports": [{"containerPort": 8080}]}]}}}})
        pod = wait_running_pod(core, ns)
        small = bytes(range(256)) * 4
        assert roundtrip(core, ns, pod, small) == small, "small payload differs"
        big = os.urandom(300 * 1024)  # crosses the 16-bit and 64-bit WebSocket length encodings
        assert roundtrip(core, ns, pod, big) == big, "large payload differs"

        # Forwarding to a pod that no longer exists must fail; the replacement must work.
        core.delete_namespaced_pod(pod, ns, grace_period_seconds=0)
        replacement = wait_running_pod(core, ns, exclude=(pod,))
        assert replacement != pod
        assert roundtrip(core, ns, replacement, b"again\n") == b"again\n"

        # A port with nothing behind it reports on the error channel.
        if not real:
            pf = portforward(core.connect_get_namespaced_pod_portforward, replacement, ns, ports="9999")
            s = pf.socket(9999)
            s.settimeout(10)
            try:
                s.sendall(b"x")
                s.recv(10)
            except OSError:
                pass
            deadline = time.time() + 10
            while pf.error(9999) is None and time.time() < deadline:
                time.sleep(0.1)
            assert pf.error(9999) and "9999" in pf.error(9999), pf.error(9999)
        core.delete_namespace(ns)
        print("port-forward OK")
        return 0
    finally:
        if proc:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
