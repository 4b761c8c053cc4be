import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// The main window: start a run, the run list on the left, the selected run on the right.
ApplicationWindow {
    id: root
    objectName: "mainWindow"

    width: 1180
    height: 720
    title: "RepoRunner"

    Timer {
        interval: 1000
        running: root.visible
        repeat: true
        // Ages are relative to TrayUi.now; ticking it keeps "12 s ago" true.
        onTriggered: TrayUi.now = new Date()
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.margins: 4
            spacing: 6
            TextField {
                id: sourceField
                objectName: "sourceField"
                Layout.fillWidth: true
                placeholderText: "https://github.com/owner/repo, or a local folder"
                Accessible.name: "Repository URL or folder"
                onAccepted: startButton.clicked()
            }
            Button {
                objectName: "settingsButton"
                text: "Settings"
                onClicked: settings.open()
            }
            Button {
                id: startButton
                objectName: "startButton"
                text: "New run…"
                Accessible.name: "Plan a new run"
                highlighted: true
                // Detection and the plan come first; Start is on the plan.
                onClicked: {
                    newRun.openOn(sourceField.text.trim())
                    sourceField.clear()
                }
            }
        }
    }

    SplitView {
        anchors.fill: parent
        orientation: Qt.Horizontal

        RunList {
            SplitView.preferredWidth: 430
            SplitView.minimumWidth: 300
        }
        RunView {
            SplitView.fillWidth: true
        }
    }

    Settings {
        id: settings
        anchors.centerIn: parent
    }

    NewRunDialog {
        id: newRun
        anchors.centerIn: parent
    }

    // The embedded preview's window, made when a preview opens and destroyed (with its
    // private profile) when it closes. Builds without Qt WebEngine never load it.
    Loader {
        objectName: "previewLoader"
        active: TrayUi.preview.embedded && TrayUi.preview.runId !== ""
        source: "PreviewWindow.qml"
    }

    footer: Label {
        id: status
        objectName: "statusLine"
        padding: 6
        elide: Text.ElideRight
        text: TrayUi.trayAvailable ? "Engine running; closing this window keeps it in the tray."
                                 : "No system tray found: closing this window leaves the engine running in the background."
        Connections {
            target: TrayUi.controller
            function onMessage(text: string) { status.text = text }
        }
        Connections {
            target: TrayUi.preview
            function onMessage(text: string) { status.text = text }
        }
    }
}
