import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The selected run: summary with Stop and Open preview, the phase timeline with durations,
// services with state, ports and preview link, and the log (merged or per service, follow).
Pane {
    id: view
    required property var logs
    required property var controller
    readonly property var run: controller.selectedRun

    function duration(ms) {
        if (ms < 0) return "…"
        if (ms < 1000) return ms + " ms"
        return (ms / 1000).toFixed(1) + " s"
    }

    Label {
        anchors.centerIn: parent
        visible: !view.run.id
        text: "Select a run to see its phases, services and logs."
        opacity: 0.6
    }

    ColumnLayout {
        anchors.fill: parent
        visible: !!view.run.id
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "runTitle"
                text: (view.run.repo || "") + (view.run.ref ? "  " + view.run.ref : "")
                      + (view.run.commit ? " @ " + view.run.commit.substring(0, 7) : "")
                textFormat: Text.PlainText
                font.pixelSize: 16
                font.bold: true
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            StateChip { objectName: "runState"; value: view.run.state || "" }
            Button {
                objectName: "previewButton"
                text: "Open preview"
                enabled: !!view.run.previewUrl && view.run.state === "READY"
                onClicked: view.controller.openPreview(view.run.id)
            }
            Button {
                objectName: "stopButton"
                text: "Stop"
                enabled: !!view.run.active && view.run.state !== "STOPPING"
                onClicked: view.controller.stop(view.run.id)
            }
        }

        Label {
            visible: !!view.run.diagnosis
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: "#d1242f"
            text: "Failed in " + (view.run.failedPhase || "?") + ": " + (view.run.diagnosis || "")
                  + (view.run.lastLines ? "\n" + view.run.lastLines : "")
            textFormat: Text.PlainText
        }

        // Phase timeline: one chip per phase with how long it took.
        Flow {
            objectName: "phaseTimeline"
            Layout.fillWidth: true
            spacing: 4
            Repeater {
                model: view.controller.phases
                delegate: Rectangle {
                    required property var modelData
                    width: phaseLabel.implicitWidth + 16
                    height: phaseLabel.implicitHeight + 8
                    radius: 3
                    color: modelData.running ? "#dbe9fb" : "#eef0f3"
                    border.color: modelData.running ? "#2f7de1" : "#c8ccd2"
                    Label {
                        id: phaseLabel
                        anchors.centerIn: parent
                        text: parent.modelData.phase + "  " + view.duration(parent.modelData.durationMs)
                        font.pixelSize: 12
                    }
                }
            }
        }

        // Services.
        Repeater {
            model: view.controller.services
            delegate: RowLayout {
                required property var modelData
                Layout.fillWidth: true
                Label { text: modelData.name; textFormat: Text.PlainText; font.bold: true; Layout.preferredWidth: 140; elide: Text.ElideRight }
                StateChip { value: modelData.state }
                Label { text: modelData.restarts > 0 ? modelData.restarts + " restarts" : ""; opacity: 0.7 }
                Label { text: modelData.ports; opacity: 0.8 }
                Label {
                    visible: modelData.url !== ""
                    text: "<a href=\"" + modelData.url + "\">" + modelData.url + "</a>"
                    onLinkActivated: link => Qt.openUrlExternally(link)
                }
                Item { Layout.fillWidth: true }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Label { text: "Logs" ; font.bold: true }
            ComboBox {
                objectName: "logSourceBox"
                Layout.preferredWidth: 220
                model: view.controller.logSources
                currentIndex: Math.max(0, model.indexOf(view.controller.logSource))
                onActivated: index => view.controller.logSource = model[index]
            }
            CheckBox {
                id: follow
                objectName: "followBox"
                text: "Follow"
                checked: true
            }
            Label {
                text: view.logs.count + " lines" + (view.controller.logsLoading ? " (loading…)" : "")
                opacity: 0.7
            }
            Item { Layout.fillWidth: true }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: "#1e1f22"
            radius: 3
            ListView {
                id: logView
                objectName: "logView"
                anchors.fill: parent
                anchors.margins: 6
                clip: true
                model: view.logs
                // Fixed-height delegates keep scrolling cheap however many lines there are.
                reuseItems: true
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar { policy: ScrollBar.AlwaysOn }
                onCountChanged: if (follow.checked) positionViewAtEnd()
                onMovementStarted: follow.checked = false
                // Roles come through `model`: a Text cannot take a required "text" role.
                delegate: Text {
                    width: ListView.view.width
                    height: 16
                    font.family: "monospace"
                    font.pixelSize: 12
                    elide: Text.ElideRight
                    textFormat: Text.PlainText
                    color: model.stream === "stderr" ? "#f0a0a0" : model.stream === "event" ? "#9ecbff" : "#d8dadf"
                    text: (model.service !== "" ? "[" + model.service + "] " : "") + model.text
                }
            }
        }
    }
}
