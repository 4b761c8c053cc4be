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
    width: 640

    ColumnLayout {
        anchors.fill: parent
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
