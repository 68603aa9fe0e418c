import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The parameter panel, generated from the scenario's schema: a spin box (and a slider where
/// the range is small enough to drag through), a switch or a combo box per parameter, with its
/// unit, range and help. Parameters that only apply on Reset carry a mark saying so.
Pane {
    id: root

    required property EngineController controller

    padding: 12
    // The window's clear colour is the same: a background would shade these pixels twice a
    // frame, and under llvmpipe every pixel shaded counts.
    background: null

    ScrollView {
        id: scroll

        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 10

            Label {
                Layout.fillWidth: true
                text: qsTr("Parameters")
                font.pixelSize: Theme.px(17)
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                visible: root.controller.parameterSchema.length === 0
                text: qsTr("This scenario has no parameters.")
                opacity: 0.7
                wrapMode: Text.Wrap
            }
            // In a Column, not straight in the layout: on Qt 6.4 a Repeater whose delegates are a
            // layout's own items can be read after they were freed when its model changes during
            // a relayout (QQuickLayout::effectiveSizePolicy_helper), and this one changes with
            // every scenario. A positioner never hands its children to the layout engine.
            Column {
                Layout.fillWidth: true
                spacing: 10

                Repeater {
                    model: root.controller.parameterSchema

                    ColumnLayout {
                        id: parameter

                        required property var modelData
                        readonly property string type: modelData.type
                        readonly property bool numeric: type === "int" || type === "double"
                        /// Doubles go through the integer SpinBox in hundredths.
                        readonly property real scale: type === "double" ? 100 : 1
                        /// Undefined for a moment while the panel switches to another scenario's schema.
                        readonly property var value: root.controller.effectiveParameters[parameter.modelData.name] ?? parameter.modelData.defaultValue

                        width: parent?.width ?? 0
                        spacing: 2

                        RowLayout {
                            Layout.fillWidth: true
                            spacing: 6

                            Label {
                                Layout.fillWidth: true
                                text: parameter.modelData.label
                                      + (parameter.modelData.unit.length > 0 ? " (" + parameter.modelData.unit + ")" : "")
                                font.bold: true
                                wrapMode: Text.Wrap
                            }
                            Label {
                                objectName: "appliesOnReset"
                                visible: !parameter.modelData.live
                                text: qsTr("↻ on reset")
                                color: Theme.warning
                                font.pixelSize: Theme.px(12)
                                ToolTip.visible: resetHover.hovered
                                ToolTip.text: qsTr("Applies when the scenario is reset (R)")

                                HoverHandler {
                                    id: resetHover
                                }
                            }
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            visible: parameter.numeric
                            spacing: 6

                            Slider {
                                id: slider

                                Layout.fillWidth: true
                                visible: parameter.type === "int"
                                         && parameter.modelData.maximum - parameter.modelData.minimum <= 1000
                                from: parameter.modelData.minimum
                                to: parameter.modelData.maximum
                                stepSize: 1
                                snapMode: Slider.SnapAlways
                                value: parameter.numeric ? Number(parameter.value ?? 0) : 0
                                onMoved: root.controller.setParameter(parameter.modelData.name, Math.round(slider.value))
                                ToolTip.visible: hovered
                                ToolTip.text: parameter.modelData.help
                                Accessible.name: parameter.modelData.label
                            }
                            SpinBox {
                                id: spin

                                Layout.fillWidth: true
                                Layout.maximumWidth: Theme.px(200)
                                from: parameter.modelData.minimum * parameter.scale
                                to: parameter.modelData.maximum * parameter.scale
                                stepSize: parameter.type === "double" ? 100 : Math.max(1, Math.pow(10, Math.floor(
                                              Math.log10(Math.max(1, (parameter.modelData.maximum - parameter.modelData.minimum) / 100)))))
                                editable: true
                                value: parameter.numeric ? Math.round(Number(parameter.value ?? 0) * parameter.scale) : 0
                                validator: parameter.type === "double" ? doubleValidator : intValidator
                                textFromValue: (value, locale) => parameter.type === "double"
                                               ? Number(value / 100).toLocaleString(locale, 'f', 2)
                                               : Number(value).toLocaleString(locale, 'f', 0)
                                valueFromText: (text, locale) => Math.round(Number.fromLocaleString(locale, text) * parameter.scale)
                                onValueModified: root.controller.setParameter(parameter.modelData.name,
                                                                              parameter.type === "double" ? spin.value / 100 : spin.value)
                                ToolTip.visible: hovered
                                ToolTip.text: parameter.modelData.help
                                Accessible.name: parameter.modelData.label

                                IntValidator {
                                    id: intValidator

                                    bottom: Math.min(spin.from, spin.to)
                                    top: Math.max(spin.from, spin.to)
                                }
                                DoubleValidator {
                                    id: doubleValidator

                                    bottom: parameter.modelData.minimum
                                    top: parameter.modelData.maximum
                                    decimals: 2
                                    notation: DoubleValidator.StandardNotation
                                }
                            }
                        }
                        PlainComboBox {
                            Layout.fillWidth: true
                            visible: parameter.type === "choice"
                            model: parameter.modelData.choices
                            currentIndex: visible ? Math.max(0, parameter.modelData.choices.indexOf(String(parameter.value))) : 0
                            onActivated: index => root.controller.setParameter(parameter.modelData.name,
                                                                               parameter.modelData.choices[index])
                            ToolTip.visible: hovered
                            ToolTip.text: parameter.modelData.help
                            Accessible.name: parameter.modelData.label
                        }
                        Switch {
                            id: toggle

                            visible: parameter.type === "bool"
                            checked: visible && parameter.value === true
                            onToggled: root.controller.setParameter(parameter.modelData.name, toggle.checked)
                            ToolTip.visible: hovered
                            ToolTip.text: parameter.modelData.help
                            Accessible.name: parameter.modelData.label
                        }
                        Label {
                            Layout.fillWidth: true
                            text: parameter.modelData.help
                            font.pixelSize: Theme.px(12)
                            opacity: 0.65
                            wrapMode: Text.Wrap
                        }
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                visible: root.controller.parametersPending
                text: qsTr("Changed: press Reset (R) to run with the new values")
                color: Theme.warning
                wrapMode: Text.Wrap
            }
            Label {
                Layout.fillWidth: true
                visible: root.controller.errorText.length > 0
                text: root.controller.errorText
                color: Theme.error
                wrapMode: Text.Wrap
            }
        }
    }
}
