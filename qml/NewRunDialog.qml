import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// The new-run flow: a URL or folder, what detection found, then the plan (PlanView) and Start.
// Everything shown comes from the engine's detect and plan answers, as plain text.
Dialog {
    id: dialog
    objectName: "newRunPage"
    title: "New run"
    modal: true
    standardButtons: Dialog.Cancel
    width: Math.min(parent ? parent.width - 40 : 960, 1000)
    height: Math.min(parent ? parent.height - 40 : 680, 920)

    readonly property NewRunController flow: TrayUi.newRun

    // Opens the dialog on `source` and detects it at once.
    function openOn(source: string) {
        dialog.flow.source = source
        dialog.open()
        if (source !== "")
            dialog.flow.detect()
        else
            sourceField.forceActiveFocus()
    }

    onRejected: dialog.flow.reset()
    Connections {
        target: dialog.flow
        function onStarted() { dialog.close() }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: sourceField
                objectName: "newRunSource"
                Layout.fillWidth: true
                text: dialog.flow.source
                placeholderText: "https://github.com/owner/repo, or a local folder"
                Accessible.name: "Repository URL or folder to run"
                onTextEdited: dialog.flow.source = text
                onAccepted: dialog.flow.detect()
            }
            Button {
                objectName: "newRunFolderButton"
                text: "Choose folder…"
                Accessible.name: "Choose a project folder"
                onClicked: dialog.flow.chooseFolder()
            }
            Button {
                objectName: "newRunDetectButton"
                text: "Detect"
                Accessible.name: "Detect the project"
                enabled: !dialog.flow.busy && sourceField.text !== ""
                onClicked: dialog.flow.detect()
            }
        }

        RowLayout {
            Layout.fillWidth: true
            BusyIndicator {
                running: dialog.flow.busy
                visible: running
                implicitWidth: 24
                implicitHeight: 24
                Accessible.name: "Working"
            }
            Label {
                objectName: "newRunStatus"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                color: dialog.flow.stage === NewRunController.Failed ? "#cf222e" : palette.windowText
                text: {
                    switch (dialog.flow.stage) {
                    case NewRunController.Detecting: return "Looking at the project (a repository is cloned first)…"
                    case NewRunController.Planning: return "Planning…"
                    case NewRunController.Starting: return "Starting…"
                    case NewRunController.Failed: return dialog.flow.error
                    case NewRunController.Planned: return ""
                    default: return "Paste a repository URL or choose a folder, then Detect."
                    }
                }
                Accessible.name: "Detection result"
            }
        }
        Label {
            objectName: "detectionResult"
            visible: dialog.flow.summary.detected !== "" && dialog.flow.stage !== NewRunController.Idle
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            text: "Found: " + dialog.flow.summary.detected
        }

        PlanView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: dialog.flow.stage === NewRunController.Planned
                     || dialog.flow.stage === NewRunController.Planning
                     || dialog.flow.stage === NewRunController.Starting
        }
        Item {
            Layout.fillHeight: true
            visible: dialog.flow.stage === NewRunController.Idle || dialog.flow.stage === NewRunController.Failed
                     || dialog.flow.stage === NewRunController.Detecting
        }
    }
}
