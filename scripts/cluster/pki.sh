# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # a part of scripts/local-cluster.sh: its variables are shared across the parts
# The cluster's certificates: one CA, a serving certificate for the API server and the kubelet,
# a client certificate per component (the CN is the user, O the group RBAC sees), and the
# service-account signing key. Made once per `up` of a fresh state folder.

# make_cert NAME CN ORG [SAN]: a key and a CA-signed certificate in $state/pki.
make_cert() {
    local name=$1 cn=$2 org=$3 san=${4:-} pki=$state/pki subject ext
    [ -f "$pki/$name.crt" ] && return 0
    subject="/CN=$cn"
    [ -n "$org" ] && subject="/O=$org$subject"
    ext=$(mktemp)
    {
        echo "basicConstraints=CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        if [ -n "$san" ]; then
            echo "extendedKeyUsage=serverAuth,clientAuth"
            echo "subjectAltName=$san"
        else
            echo "extendedKeyUsage=clientAuth"
        fi
    } >"$ext"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -subj "$subject" \
        -out "$pki/$name.csr" 2>/dev/null
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
        -days 365 -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
    rm -f "$ext" "$pki/$name.csr"
    chmod 600 "$pki/$name.key"
}

# make_kubeconfig NAME CERT: a kubeconfig for one component, with the certificates inlined.
make_kubeconfig() {
    local name=$1 cert=$2 pki=$state/pki
    cat >"$state/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $context_name
  cluster:
    server: $apiserver_url
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$pki/$cert.crt")
    client-key-data: $(base64 -w0 "$pki/$cert.key")
contexts:
- name: $context_name
  context:
    cluster: $context_name
    user: $name
current-context: $context_name
EOF
    chmod 600 "$state/$name.kubeconfig"
}

make_pki() {
    local pki=$state/pki
    mkdir -p "$pki"
    chmod 700 "$state" "$pki"
    if [ ! -f "$pki/ca.crt" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=reporunner-local-ca" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
        chmod 600 "$pki/ca.key"
    fi
    local sans="DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
    sans="$sans,DNS:kubernetes.default.svc.cluster.local,DNS:$node_name,IP:127.0.0.1,IP:$apiserver_ip"
    sans="$sans,IP:$apiserver_service_ip"
    make_cert apiserver kube-apiserver "" "$sans"
    make_cert kubelet-serving "system:node:$node_name" system:nodes "DNS:$node_name,IP:$node_ip,IP:127.0.0.1"
    make_cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
    make_cert admin reporunner-admin system:masters
    make_cert controller-manager system:kube-controller-manager ""
    make_cert scheduler system:kube-scheduler ""
    make_cert kubelet "system:node:$node_name" system:nodes
    make_cert kube-proxy system:kube-proxy ""
    make_cert kube-router system:kube-router ""
    make_cert kwok system:kwok system:masters
    if [ ! -f "$pki/sa.key" ]; then
        openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
        openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
        chmod 600 "$pki/sa.key"
    fi
    make_kubeconfig admin admin
    # The kubeconfig a user or a test is given: the admin identity under the context's name.
    cp "$state/admin.kubeconfig" "$state/kubeconfig"
    make_kubeconfig controller-manager controller-manager
    make_kubeconfig scheduler scheduler
    make_kubeconfig kubelet kubelet
    make_kubeconfig kube-proxy kube-proxy
    make_kubeconfig kube-router kube-router
    make_kubeconfig kwok kwok
}
