import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// The settings screen: the GitHub token (keychain), start at login, the engine's knobs, browser
// integration, the repositories allowed unsafe runs (revocable), the runtime and the Kubernetes
// contexts runs may use, quota and limits, and retention with "Clean up now".
Dialog {
    id: dialog
    objectName: "settingsPage"
    title: "Settings"
    modal: true
    standardButtons: Dialog.Close
    width: 700
    height: Math.min(parent ? parent.height - 40 : 700, 900)

    ScrollView {
        id: scroller
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroller.availableWidth
            spacing: 10

            Label { text: "GitHub token"; font.bold: true; font.pixelSize: 14 }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.8
                text: "Private repositories need a token. It is kept in the desktop keychain (Secret Service), "
                      + "never in files or logs, and only handed to git when github.com asks for credentials."
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: tokenField
                    objectName: "tokenField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    placeholderText: "ghp_… or github_pat_…"
                    Accessible.name: "GitHub token"
                }
                Button {
                    objectName: "tokenSaveButton"
                    text: "Save"
                    enabled: tokenField.text !== "" && !TrayUi.settings.tokenBusy
                    onClicked: {
                        TrayUi.settings.setToken(tokenField.text)
                        tokenField.clear()
                    }
                }
                Button {
                    objectName: "tokenTestButton"
                    text: "Test"
                    enabled: !TrayUi.settings.tokenBusy
                    onClicked: TrayUi.settings.testToken()
                }
                Button {
                    objectName: "tokenRemoveButton"
                    text: "Remove"
                    enabled: !TrayUi.settings.tokenBusy
                    onClicked: TrayUi.settings.removeToken()
                }
            }
            RowLayout {
                StateChip {
                    objectName: "tokenState"
                    value: TrayUi.settings.tokenState
                    tone: TrayUi.settings.tokenState === "stored" ? Tone.Good
                          : TrayUi.settings.tokenState === "error" ? Tone.Bad : Tone.Neutral
                }
                Label {
                    objectName: "tokenMessage"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: TrayUi.settings.tokenBusy ? "Asking the keychain…" : TrayUi.settings.tokenMessage
                }
            }

            MenuSeparator { Layout.fillWidth: true }
            Label { text: "Desktop"; font.bold: true; font.pixelSize: 14 }
            CheckBox {
                objectName: "autostartBox"
                text: "Start RepoRunner at login (in the tray)"
                Accessible.name: "Start RepoRunner at login"
                checked: TrayUi.settings.autostart
                onToggled: TrayUi.settings.autostart = checked
            }

            MenuSeparator { Layout.fillWidth: true }
            Label { text: "Engine"; font.bold: true; font.pixelSize: 14 }
            RowLayout {
                Label { text: "Images built at once" }
                SpinBox {
                    objectName: "buildParallelismBox"
                    from: 1
                    to: 32
                    editable: true
                    value: TrayUi.settings.engine.buildParallelism
                    Accessible.name: "Images built at once"
                    onValueModified: TrayUi.settings.engine.buildParallelism = value
                }
                Label {
                    visible: TrayUi.settings.engine.error !== ""
                    text: TrayUi.settings.engine.error
                    color: "#cf222e"
                }
            }
            RowLayout {
                Label { text: "Network" }
                RadioButton {
                    objectName: "networkOnline"
                    text: "Online"
                    checked: !TrayUi.settings.engine.offline
                    onToggled: if (checked) TrayUi.settings.engine.offline = false
                }
                RadioButton {
                    objectName: "networkOffline"
                    text: "Offline (cached checkouts and local images only)"
                    checked: TrayUi.settings.engine.offline
                    onToggled: if (checked) TrayUi.settings.engine.offline = true
                }
            }

            MenuSeparator { Layout.fillWidth: true }
            RowLayout {
                Layout.fillWidth: true
                Label { text: "Browser integration"; font.bold: true; font.pixelSize: 14; Layout.fillWidth: true }
                Button {
                    objectName: "browsersRefreshButton"
                    text: "Check again"
                    Accessible.name: "Check the browsers again"
                    onClicked: TrayUi.settings.browsers.refresh()
                }
            }
            Label {
                visible: TrayUi.settings.browsers.count === 0
                text: "No Chromium-family browser found (Chrome, Chromium, Edge, Brave, Vivaldi)."
                opacity: 0.8
            }
            Repeater {
                model: TrayUi.settings.browsers
                delegate: RowLayout {
                    id: browserRow
                    required property string browserId
                    required property string name
                    required property string status
                    required property int tone
                    required property string detail
                    Layout.fillWidth: true
                    Label { text: browserRow.name; font.bold: true; Layout.preferredWidth: 120 }
                    StateChip { objectName: "browserState-" + browserRow.browserId; value: browserRow.status; tone: browserRow.tone }
                    Label {
                        Layout.fillWidth: true
                        text: browserRow.detail
                        textFormat: Text.PlainText
                        elide: Text.ElideMiddle
                    }
                    Button {
                        objectName: "browserInstall-" + browserRow.browserId
                        visible: browserRow.status === "missing" || browserRow.status === "system"
                        text: "Install"
                        Accessible.name: "Install the RepoRunner host for " + browserRow.name
                        onClicked: TrayUi.settings.browsers.install(browserRow.browserId)
                    }
                    Button {
                        objectName: "browserRepair-" + browserRow.browserId
                        visible: browserRow.status === "outdated" || browserRow.status === "installed"
                        text: "Repair"
                        Accessible.name: "Repair the RepoRunner host for " + browserRow.name
                        onClicked: TrayUi.settings.browsers.repair(browserRow.browserId)
                    }
                    Button {
                        objectName: "browserRemove-" + browserRow.browserId
                        visible: browserRow.status === "outdated" || browserRow.status === "installed"
                        text: "Remove"
                        Accessible.name: "Remove the RepoRunner host for " + browserRow.name
                        onClicked: TrayUi.settings.browsers.remove(browserRow.browserId)
                    }
                }
            }
            Label {
                objectName: "browsersMessage"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: TrayUi.settings.browsers.message
            }

            MenuSeparator { Layout.fillWidth: true }
            Label { text: "Unsafe runs"; font.bold: true; font.pixelSize: 14 }
            Label {
                objectName: "unsafeNone"
                visible: TrayUi.consent.repositories.length === 0
                text: "No repository may run privileged or host-namespace services."
                opacity: 0.8
            }
            Repeater {
                model: TrayUi.consent.repositories
                delegate: RowLayout {
                    id: consentRow
                    required property string modelData
                    Layout.fillWidth: true
                    Label {
                        Layout.fillWidth: true
                        text: consentRow.modelData
                        textFormat: Text.PlainText
                        elide: Text.ElideMiddle
                    }
                    Button {
                        objectName: "revokeConsent-" + consentRow.modelData
                        text: "Revoke"
                        Accessible.name: "Revoke unsafe runs for " + consentRow.modelData
                        onClicked: TrayUi.consent.revoke(consentRow.modelData)
                    }
                }
            }

            MenuSeparator { Layout.fillWidth: true }
            Label { text: "Runtime and Kubernetes contexts"; font.bold: true; font.pixelSize: 14 }
            RowLayout {
                Label { text: "Runs go to" }
                RadioButton {
                    objectName: "runtimeAuto"
                    text: "Automatic"
                    checked: TrayUi.settings.engine.defaultRuntime === "auto"
                    Accessible.name: "Automatic runtime: Kubernetes when its cluster answers, else Docker"
                    onToggled: if (checked) TrayUi.settings.engine.defaultRuntime = "auto"
                }
                RadioButton {
                    objectName: "runtimeKubernetes"
                    text: "Kubernetes"
                    checked: TrayUi.settings.engine.defaultRuntime === "kubernetes"
                    Accessible.name: "Kubernetes runtime"
                    onToggled: if (checked) TrayUi.settings.engine.defaultRuntime = "kubernetes"
                }
                RadioButton {
                    objectName: "runtimeDocker"
                    text: "Docker"
                    checked: TrayUi.settings.engine.defaultRuntime === "docker"
                    Accessible.name: "Docker runtime"
                    onToggled: if (checked) TrayUi.settings.engine.defaultRuntime = "docker"
                }
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.8
                text: "Runs deploy only into allowed contexts: kind-reporunner, the one you use, and the ones you allow."
            }
            Label {
                objectName: "contextsEmpty"
                visible: TrayUi.settings.contexts.count === 0
                text: "No kubeconfig contexts: runs use Docker."
                opacity: 0.8
            }
            Repeater {
                model: TrayUi.settings.contexts
                delegate: RowLayout {
                    id: contextRow
                    required property string name
                    required property bool allowed
                    required property bool onAllowList
                    required property bool chosen
                    required property string reason
                    required property int tone
                    Layout.fillWidth: true
                    Label {
                        text: contextRow.name
                        textFormat: Text.PlainText
                        font.bold: true
                        elide: Text.ElideMiddle
                        Layout.preferredWidth: 150
                    }
                    StateChip {
                        objectName: "contextState-" + contextRow.name
                        value: contextRow.chosen ? "in use" : contextRow.allowed ? "allowed" : "not allowed"
                        tone: contextRow.tone
                    }
                    Label {
                        Layout.fillWidth: true
                        text: contextRow.reason
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        opacity: 0.8
                    }
                    Button {
                        objectName: "contextUse-" + contextRow.name
                        visible: !contextRow.chosen
                        enabled: !TrayUi.settings.contexts.fixedByEnvironment
                        text: "Use"
                        Accessible.name: "Run in the context " + contextRow.name
                        onClicked: TrayUi.settings.contexts.use(contextRow.name)
                    }
                    Button {
                        objectName: "contextAllow-" + contextRow.name
                        visible: !contextRow.allowed
                        text: "Allow"
                        Accessible.name: "Allow runs in the context " + contextRow.name
                        onClicked: TrayUi.settings.contexts.allow(contextRow.name)
                    }
                    Button {
                        objectName: "contextForbid-" + contextRow.name
                        visible: contextRow.onAllowList
                        text: "Forbid"
                        Accessible.name: "Forbid runs in the context " + contextRow.name
                        onClicked: TrayUi.settings.contexts.forbid(contextRow.name)
                    }
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Button {
                    objectName: "contextAutomatic"
                    visible: !TrayUi.settings.contexts.automatic && !TrayUi.settings.contexts.fixedByEnvironment
                    text: "Choose automatically"
                    Accessible.name: "Choose the context automatically"
                    onClicked: TrayUi.settings.contexts.use("")
                }
                Label {
                    objectName: "contextsMessage"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: TrayUi.settings.contexts.fixedByEnvironment
                          ? "REPORUNNER_KUBE_CONTEXT names the context."
                          : TrayUi.settings.contexts.restartNeeded
                            ? "The engine picked its cluster when it started: quit and start RepoRunner to use "
                              + (TrayUi.settings.contexts.chosen === "" ? "Docker only" : TrayUi.settings.contexts.chosen) + "."
                            : TrayUi.settings.contexts.message
                }
            }

            MenuSeparator { Layout.fillWidth: true }
            Label { text: "Quota and limits"; font.bold: true; font.pixelSize: 14 }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.8
                text: "For runs started from now on. A container gets these when its compose file sets no limits; "
                      + "a run's services together stay within the run's share."
            }
            GridLayout {
                columns: 4
                columnSpacing: 12
                Label { text: "Container memory (MiB)" }
                SpinBox {
                    objectName: "containerMemoryBox"
                    from: 64
                    to: 65536
                    stepSize: 64
                    editable: true
                    value: TrayUi.settings.limits.containerMemoryMiB
                    Accessible.name: "Memory per container in MiB"
                    onValueModified: TrayUi.settings.limits.containerMemoryMiB = value
                }
                Label { text: "Run memory (MiB)" }
                SpinBox {
                    objectName: "runMemoryBox"
                    from: 64
                    to: 262144
                    stepSize: 256
                    editable: true
                    value: TrayUi.settings.limits.runMemoryMiB
                    Accessible.name: "Memory per run in MiB"
                    onValueModified: TrayUi.settings.limits.runMemoryMiB = value
                }
                Label { text: "Container CPU (millicores)" }
                SpinBox {
                    objectName: "containerCpuBox"
                    from: 50
                    to: 64000
                    stepSize: 50
                    editable: true
                    value: TrayUi.settings.limits.containerCpuMilli
                    Accessible.name: "CPU per container in millicores"
                    onValueModified: TrayUi.settings.limits.containerCpuMilli = value
                }
                Label { text: "Run CPU (millicores)" }
                SpinBox {
                    objectName: "runCpuBox"
                    from: 50
                    to: 256000
                    stepSize: 250
                    editable: true
                    value: TrayUi.settings.limits.runCpuMilli
                    Accessible.name: "CPU per run in millicores"
                    onValueModified: TrayUi.settings.limits.runCpuMilli = value
                }
                Label { text: "Container processes (Docker)" }
                SpinBox {
                    objectName: "containerPidsBox"
                    from: 16
                    to: 100000
                    stepSize: 64
                    editable: true
                    value: TrayUi.settings.limits.containerPids
                    Accessible.name: "Processes per container"
                    onValueModified: TrayUi.settings.limits.containerPids = value
                }
                Label { text: "Pods per run (Kubernetes)" }
                SpinBox {
                    objectName: "runPodsBox"
                    from: 1
                    to: 1000
                    editable: true
                    value: TrayUi.settings.limits.runPods
                    Accessible.name: "Pods per run"
                    onValueModified: TrayUi.settings.limits.runPods = value
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Button {
                    objectName: "limitsResetButton"
                    text: "Defaults"
                    Accessible.name: "Reset quota and limits to the defaults"
                    onClicked: TrayUi.settings.limits.reset()
                }
                Label {
                    objectName: "limitsError"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    visible: TrayUi.settings.limits.error !== ""
                    text: TrayUi.settings.limits.error
                    color: "#cf222e"
                }
            }

            MenuSeparator { Layout.fillWidth: true }
            Label { text: "Retention and cleanup"; font.bold: true; font.pixelSize: 14 }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.8
                text: "Once a day RepoRunner removes the images it built, build cache and cached clones "
                      + "beyond these; images of active runs and clones they use stay."
                      + (TrayUi.settings.retention.nextPass === "" ? "" : " Next pass " + TrayUi.settings.retention.nextPass + ".")
            }
            GridLayout {
                columns: 2
                columnSpacing: 12
                Label { text: "Images kept per service" }
                SpinBox {
                    objectName: "keepImagesBox"
                    from: 0
                    to: 1000
                    editable: true
                    value: TrayUi.settings.retention.keepImages
                    Accessible.name: "Newest images kept per service"
                    onValueModified: TrayUi.settings.retention.keepImages = value
                }
                Label { text: "Keep images and build cache younger than (days)" }
                SpinBox {
                    objectName: "imageDaysBox"
                    from: 0
                    to: 36500
                    editable: true
                    value: TrayUi.settings.retention.imageDays
                    Accessible.name: "Days images and build cache are always kept"
                    onValueModified: TrayUi.settings.retention.imageDays = value
                }
                Label { text: "Keep cached clones used within (days)" }
                SpinBox {
                    objectName: "gitCacheDaysBox"
                    from: 0
                    to: 36500
                    editable: true
                    value: TrayUi.settings.retention.gitCacheDays
                    Accessible.name: "Days cached clones are kept after their last use"
                    onValueModified: TrayUi.settings.retention.gitCacheDays = value
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Button {
                    objectName: "cleanUpNowButton"
                    text: "Clean up now"
                    enabled: !TrayUi.settings.retention.busy
                    Accessible.name: "Clean up now"
                    onClicked: TrayUi.settings.retention.cleanUpNow()
                }
                Label {
                    objectName: "cleanupMessage"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: TrayUi.settings.retention.error !== "" ? TrayUi.settings.retention.error
                                                                 : TrayUi.settings.retention.message
                }
            }
        }
    }
}
