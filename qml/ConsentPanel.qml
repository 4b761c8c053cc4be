import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// Refused items and the way past them: what allowing unsafe runs for this repository would
// change (each refused line as the engine would then word it), remembered per repository and
// revocable here or in the settings.
Frame {
    id: panel
    objectName: "consentPanel"
    readonly property NewRunController flow: TrayUi.newRun

    ColumnLayout {
        anchors.left: parent.left
        anchors.right: parent.right
        spacing: 6

        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            font.bold: true
            text: panel.flow.unsafeAllowed
                  ? "Unsafe runs are allowed for " + panel.flow.repository + "."
                  : panel.flow.summary.refused + " item(s) are refused by the sandbox. If you allow unsafe runs for "
                    + panel.flow.repository + ", each of them becomes:"
        }
        ReportList {
            objectName: "consequenceList"
            visible: !panel.flow.unsafeAllowed
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 140)
            model: panel.flow.consequences
            Accessible.name: "Consequences of allowing unsafe runs"
        }
        Label {
            visible: !panel.flow.unsafeAllowed
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            opacity: 0.8
            text: "Lines still marked refused stay refused even then. The choice is remembered for this repository "
                  + "and can be revoked here or in Settings."
        }
        RowLayout {
            CheckBox {
                id: understood
                objectName: "consentCheck"
                visible: !panel.flow.unsafeAllowed
                text: "I understand these consequences"
            }
            Button {
                objectName: "allowUnsafeButton"
                visible: !panel.flow.unsafeAllowed
                enabled: understood.checked && panel.flow.consequences.count > 0
                text: "Allow unsafe runs for this repository"
                onClicked: {
                    understood.checked = false
                    panel.flow.allowUnsafe()
                }
            }
            Button {
                objectName: "revokeUnsafeButton"
                visible: panel.flow.unsafeAllowed
                text: "Revoke"
                Accessible.name: "Revoke unsafe runs for this repository"
                onClicked: panel.flow.revokeUnsafe()
            }
        }
    }
}
