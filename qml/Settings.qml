import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// The settings screen: the GitHub token (keychain), start at login, the repositories allowed
// unsafe runs (revocable), and the Kubernetes contexts with which runs may use.
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
            Label { text: "Kubernetes contexts"; font.bold: true; font.pixelSize: 14 }
            Label {
                objectName: "contextList"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: TrayUi.settings.contextsText
            }
        }
    }
}
