import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The main window: start a run, the run list on the left, the selected run on the right.
ApplicationWindow {
    id: root
    objectName: "mainWindow"
    required property var runs
    required property var logs
    required property var controller
    required property bool trayAvailable
    // Ages are relative to this; it ticks once a second so "12 s ago" stays true.
    property date now: new Date()

    width: 1180
    height: 720
    title: "RepoRunner"

    Timer {
        interval: 1000
        running: root.visible
        repeat: true
        onTriggered: root.now = new Date()
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
                onAccepted: startButton.clicked()
            }
            ComboBox {
                id: runtimeBox
                objectName: "runtimeBox"
                model: ["auto", "docker", "kubernetes"]
            }
            Button {
                id: startButton
                objectName: "startButton"
                text: "Run locally"
                highlighted: true
                onClicked: {
                    const error = root.controller.start(sourceField.text, runtimeBox.currentText)
                    if (error === "")
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
            runs: root.runs
            controller: root.controller
            now: root.now
        }
        RunView {
            SplitView.fillWidth: true
            logs: root.logs
            controller: root.controller
        }
    }

    footer: Label {
        id: status
        objectName: "statusLine"
        padding: 6
        elide: Text.ElideRight
        text: root.trayAvailable ? "Engine running; closing this window keeps it in the tray."
                                 : "No system tray found: closing this window leaves the engine running in the background."
        Connections {
            target: root.controller
            function onMessage(text) { status.text = text }
        }
    }
}
