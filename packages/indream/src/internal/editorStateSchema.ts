/**
 * Indream's editorState v1 JSON Schema, as published by Indream (MIT, see schemas/LICENSE):
 * generated from schemas/editor-state.v1.schema.json by scripts/generate-editor-state-schema.mjs.
 * Do not edit; a test checks it is the same as that file.
 */
export const editorStateSchemaV1: { readonly [key: string]: unknown } = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://api.indream.ai/schemas/editor-state.v1.schema.json",
  "title": "IndreamEditorStateV1",
  "type": "object",
  "required": [
    "compositionWidth",
    "compositionHeight",
    "timebaseTicksPerSecond",
    "tracks",
    "assets",
    "items",
    "transitions"
  ],
  "properties": {
    "compositionWidth": {
      "type": "integer",
      "minimum": 50,
      "maximum": 1920
    },
    "compositionHeight": {
      "type": "integer",
      "minimum": 50,
      "maximum": 1920
    },
    "timebaseTicksPerSecond": {
      "type": "integer",
      "const": 240000
    },
    "outputRatio": {
      "type": "string",
      "enum": [
        "16:9",
        "9:16",
        "1:1",
        "4:3",
        "3:4",
        "custom"
      ]
    },
    "tracks": {
      "type": "array",
      "minItems": 1,
      "items": {
        "$ref": "#/definitions/track"
      }
    },
    "assets": {
      "type": "object",
      "additionalProperties": {
        "oneOf": [
          {
            "$ref": "#/definitions/imageAsset"
          },
          {
            "$ref": "#/definitions/videoAsset"
          },
          {
            "$ref": "#/definitions/gifAsset"
          },
          {
            "$ref": "#/definitions/audioAsset"
          },
          {
            "$ref": "#/definitions/captionAsset"
          },
          {
            "$ref": "#/definitions/lottieAsset"
          }
        ]
      }
    },
    "items": {
      "type": "object",
      "additionalProperties": {
        "oneOf": [
          {
            "$ref": "#/definitions/imageItem"
          },
          {
            "$ref": "#/definitions/videoItem"
          },
          {
            "$ref": "#/definitions/gifItem"
          },
          {
            "$ref": "#/definitions/lottieItem"
          },
          {
            "$ref": "#/definitions/audioItem"
          },
          {
            "$ref": "#/definitions/textItem"
          },
          {
            "$ref": "#/definitions/textTemplateItem"
          },
          {
            "$ref": "#/definitions/captionsItem"
          },
          {
            "$ref": "#/definitions/solidItem"
          },
          {
            "$ref": "#/definitions/illustrationItem"
          },
          {
            "$ref": "#/definitions/effectItem"
          },
          {
            "$ref": "#/definitions/filterItem"
          },
          {
            "$ref": "#/definitions/chartItem"
          }
        ]
      }
    },
    "transitions": {
      "type": "object",
      "additionalProperties": {
        "$ref": "#/definitions/transition"
      }
    },
    "globalBackground": {
      "$ref": "#/definitions/globalBackground"
    },
    "brandRuntime": {
      "$ref": "#/definitions/brandRuntime"
    },
    "deletedAssets": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/deletedAssetEntry"
      }
    }
  },
  "additionalProperties": true,
  "definitions": {
    "primitive": {
      "oneOf": [
        {
          "type": "string"
        },
        {
          "type": "number"
        },
        {
          "type": "boolean"
        }
      ]
    },
    "baseAsset": {
      "type": "object",
      "required": [
        "id",
        "type",
        "filename",
        "size",
        "mimeType"
      ],
      "properties": {
        "id": {
          "type": "string",
          "minLength": 1
        },
        "type": {
          "type": "string"
        },
        "filename": {
          "type": "string",
          "minLength": 1
        },
        "size": {
          "type": "number",
          "minimum": 0
        },
        "remoteUrl": {
          "type": [
            "string",
            "null"
          ]
        },
        "remoteKey": {
          "type": [
            "string",
            "null"
          ]
        },
        "mimeType": {
          "type": "string",
          "minLength": 1
        }
      },
      "additionalProperties": true
    },
    "imageAsset": {
      "allOf": [
        {
          "$ref": "#/definitions/baseAsset"
        },
        {
          "type": "object",
          "required": [
            "type",
            "width",
            "height"
          ],
          "properties": {
            "type": {
              "const": "image"
            },
            "width": {
              "type": "number",
              "minimum": 1
            },
            "height": {
              "type": "number",
              "minimum": 1
            }
          }
        }
      ]
    },
    "videoAsset": {
      "allOf": [
        {
          "$ref": "#/definitions/baseAsset"
        },
        {
          "type": "object",
          "required": [
            "type",
            "durationInSeconds",
            "hasAudioTrack",
            "width",
            "height"
          ],
          "properties": {
            "type": {
              "const": "video"
            },
            "durationInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "hasAudioTrack": {
              "type": "boolean"
            },
            "width": {
              "type": "number",
              "minimum": 1
            },
            "height": {
              "type": "number",
              "minimum": 1
            }
          }
        }
      ]
    },
    "gifAsset": {
      "allOf": [
        {
          "$ref": "#/definitions/baseAsset"
        },
        {
          "type": "object",
          "required": [
            "type",
            "durationInSeconds",
            "width",
            "height",
            "loopBehavior"
          ],
          "properties": {
            "type": {
              "const": "gif"
            },
            "durationInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "width": {
              "type": "number",
              "minimum": 1
            },
            "height": {
              "type": "number",
              "minimum": 1
            },
            "loopBehavior": {
              "type": "string",
              "enum": [
                "finite",
                "loop"
              ]
            }
          }
        }
      ]
    },
    "audioAsset": {
      "allOf": [
        {
          "$ref": "#/definitions/baseAsset"
        },
        {
          "type": "object",
          "required": [
            "type",
            "durationInSeconds"
          ],
          "properties": {
            "type": {
              "const": "audio"
            },
            "durationInSeconds": {
              "type": "number",
              "minimum": 0
            }
          }
        }
      ]
    },
    "lottieAsset": {
      "allOf": [
        {
          "$ref": "#/definitions/baseAsset"
        },
        {
          "type": "object",
          "required": [
            "type",
            "durationInSeconds",
            "width",
            "height",
            "resourceType"
          ],
          "properties": {
            "type": {
              "const": "lottie"
            },
            "durationInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "width": {
              "type": "number",
              "minimum": 1
            },
            "height": {
              "type": "number",
              "minimum": 1
            },
            "resourceType": {
              "type": "string",
              "enum": [
                "lottie",
                "svg"
              ]
            },
            "resourceJson": {
              "type": [
                "object",
                "null"
              ],
              "additionalProperties": true
            },
            "resourceComponentId": {
              "type": [
                "string",
                "null"
              ]
            },
            "materialConfig": {
              "type": [
                "object",
                "null"
              ],
              "additionalProperties": true
            }
          }
        }
      ]
    },
    "captionAsset": {
      "allOf": [
        {
          "$ref": "#/definitions/baseAsset"
        },
        {
          "type": "object",
          "required": [
            "type",
            "captions",
            "timingGranularity"
          ],
          "properties": {
            "type": {
              "const": "caption"
            },
            "captions": {
              "type": "array",
              "items": {
                "$ref": "#/definitions/captionEntry"
              }
            },
            "timingGranularity": {
              "type": "string",
              "enum": [
                "word",
                "line"
              ]
            }
          }
        }
      ]
    },
    "track": {
      "type": "object",
      "description": "One timeline track. Items in the same track must not overlap in time, but may touch end-to-start.",
      "required": [
        "id",
        "items",
        "hidden",
        "muted"
      ],
      "properties": {
        "id": {
          "type": "string",
          "minLength": 1
        },
        "items": {
          "type": "array",
          "description": "Ordered item ids for a single track. Same-track items cannot overlap in time.",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "hidden": {
          "type": "boolean"
        },
        "muted": {
          "type": "boolean"
        }
      },
      "additionalProperties": false
    },
    "animationSpec": {
      "type": "object",
      "required": [
        "type",
        "durationTicks"
      ],
      "properties": {
        "type": {
          "type": "string",
          "enum": [
            "fade",
            "slide-up",
            "slide-down",
            "slide-left",
            "slide-right",
            "zoom-in",
            "zoom-out"
          ]
        },
        "durationTicks": {
          "type": "integer",
          "minimum": 1
        },
        "easing": {
          "type": "string",
          "enum": [
            "linear",
            "ease-in",
            "ease-out",
            "ease-in-out"
          ]
        },
        "params": {
          "type": "object",
          "additionalProperties": {
            "$ref": "#/definitions/primitive"
          }
        }
      },
      "additionalProperties": false
    },
    "clipAnimations": {
      "type": "object",
      "properties": {
        "in": {
          "$ref": "#/definitions/animationSpec"
        },
        "out": {
          "$ref": "#/definitions/animationSpec"
        }
      },
      "additionalProperties": false
    },
    "captionAnimationSpec": {
      "type": "object",
      "required": [
        "type",
        "durationTicks"
      ],
      "properties": {
        "type": {
          "type": "string",
          "enum": [
            "converge",
            "elastic-pop",
            "typewriter",
            "lay-down",
            "center-type-out",
            "curtain-close",
            "jitter",
            "rainbow",
            "sweep-shine"
          ]
        },
        "durationTicks": {
          "type": "integer",
          "minimum": 1
        },
        "easing": {
          "type": "string",
          "enum": [
            "linear",
            "ease-in",
            "ease-out",
            "ease-in-out"
          ]
        },
        "params": {
          "type": "object",
          "additionalProperties": {
            "$ref": "#/definitions/primitive"
          }
        }
      },
      "additionalProperties": false
    },
    "captionClipAnimations": {
      "type": "object",
      "properties": {
        "in": {
          "$ref": "#/definitions/captionAnimationSpec"
        },
        "out": {
          "$ref": "#/definitions/captionAnimationSpec"
        },
        "loop": {
          "$ref": "#/definitions/captionAnimationSpec"
        }
      },
      "additionalProperties": false
    },
    "keyframePoint": {
      "type": "object",
      "required": [
        "timeTicks",
        "value"
      ],
      "properties": {
        "timeTicks": {
          "type": "integer",
          "minimum": 0,
          "description": "Local clip time in ticks. Service-level semantic validation requires timeTicks < item.durationTicks."
        },
        "value": {
          "type": "number"
        }
      },
      "additionalProperties": false
    },
    "animatedNumberTrack": {
      "type": "object",
      "required": [
        "value",
        "keyframes"
      ],
      "properties": {
        "value": {
          "type": "number"
        },
        "keyframes": {
          "type": "array",
          "description": "Keyframes are expressed in local clip ticks and must stay inside the clip range.",
          "items": {
            "$ref": "#/definitions/keyframePoint"
          }
        }
      },
      "additionalProperties": false
    },
    "timelineItemBase": {
      "type": "object",
      "required": [
        "id",
        "type",
        "durationTicks",
        "startTicks",
        "isDraggingInTimeline"
      ],
      "properties": {
        "id": {
          "type": "string",
          "minLength": 1
        },
        "type": {
          "type": "string"
        },
        "durationTicks": {
          "type": "integer",
          "minimum": 1
        },
        "startTicks": {
          "type": "integer",
          "minimum": 0
        },
        "isDraggingInTimeline": {
          "type": "boolean"
        }
      },
      "additionalProperties": true
    },
    "geometryItemBase": {
      "type": "object",
      "required": [
        "top",
        "left",
        "width",
        "height",
        "scaleX",
        "scaleY",
        "opacity"
      ],
      "properties": {
        "top": {
          "$ref": "#/definitions/animatedNumberTrack"
        },
        "left": {
          "$ref": "#/definitions/animatedNumberTrack"
        },
        "width": {
          "$ref": "#/definitions/animatedNumberTrack"
        },
        "height": {
          "$ref": "#/definitions/animatedNumberTrack"
        },
        "scaleX": {
          "$ref": "#/definitions/animatedNumberTrack"
        },
        "scaleY": {
          "$ref": "#/definitions/animatedNumberTrack"
        },
        "opacity": {
          "$ref": "#/definitions/animatedNumberTrack"
        }
      },
      "additionalProperties": true
    },
    "baseItem": {
      "allOf": [
        {
          "$ref": "#/definitions/timelineItemBase"
        },
        {
          "$ref": "#/definitions/geometryItemBase"
        }
      ]
    },
    "imageItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "assetId",
            "keepAspectRatio",
            "borderRadius",
            "rotation"
          ],
          "properties": {
            "type": {
              "const": "image"
            },
            "assetId": {
              "type": "string",
              "minLength": 1
            },
            "stickerId": {
              "type": [
                "string",
                "null"
              ],
              "minLength": 1
            },
            "stickerVersion": {
              "type": [
                "integer",
                "null"
              ],
              "minimum": 1
            },
            "keepAspectRatio": {
              "type": "boolean"
            },
            "borderRadius": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropLeft": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropTop": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropRight": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropBottom": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            }
          }
        }
      ]
    },
    "videoItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "assetId",
            "keepAspectRatio",
            "borderRadius",
            "rotation",
            "videoStartFromInSeconds",
            "decibelAdjustment",
            "playbackRate",
            "audioFadeInDurationInSeconds",
            "audioFadeOutDurationInSeconds"
          ],
          "properties": {
            "type": {
              "const": "video"
            },
            "assetId": {
              "type": "string",
              "minLength": 1
            },
            "keepAspectRatio": {
              "type": "boolean"
            },
            "borderRadius": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "videoStartFromInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "decibelAdjustment": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "playbackRate": {
              "type": "number",
              "minimum": 0.01
            },
            "audioFadeInDurationInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "audioFadeOutDurationInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "cropLeft": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropTop": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropRight": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropBottom": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            }
          }
        }
      ]
    },
    "gifItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "assetId",
            "keepAspectRatio",
            "borderRadius",
            "rotation",
            "gifStartFromInSeconds",
            "playbackRate"
          ],
          "properties": {
            "type": {
              "const": "gif"
            },
            "assetId": {
              "type": "string",
              "minLength": 1
            },
            "keepAspectRatio": {
              "type": "boolean"
            },
            "borderRadius": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "gifStartFromInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "playbackRate": {
              "type": "number",
              "minimum": 0.01
            },
            "cropLeft": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropTop": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropRight": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "cropBottom": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            }
          }
        }
      ]
    },
    "lottieItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "assetId",
            "keepAspectRatio",
            "rotation",
            "lottieStartFromInSeconds",
            "playbackRate"
          ],
          "properties": {
            "type": {
              "const": "lottie"
            },
            "assetId": {
              "type": "string",
              "minLength": 1
            },
            "keepAspectRatio": {
              "type": "boolean"
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "lottieStartFromInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "playbackRate": {
              "type": "number",
              "minimum": 0.01
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            }
          }
        }
      ]
    },
    "audioItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "assetId",
            "audioStartFromInSeconds",
            "decibelAdjustment",
            "playbackRate",
            "audioFadeInDurationInSeconds",
            "audioFadeOutDurationInSeconds"
          ],
          "properties": {
            "type": {
              "const": "audio"
            },
            "assetId": {
              "type": "string",
              "minLength": 1
            },
            "audioStartFromInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "decibelAdjustment": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "playbackRate": {
              "type": "number",
              "minimum": 0.01
            },
            "audioFadeInDurationInSeconds": {
              "type": "number",
              "minimum": 0
            },
            "audioFadeOutDurationInSeconds": {
              "type": "number",
              "minimum": 0
            }
          }
        }
      ]
    },
    "textItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "text",
            "color",
            "align",
            "fontFamily",
            "fontStyle",
            "fontSize",
            "lineHeight",
            "letterSpacing",
            "resizeOnEdit",
            "direction",
            "strokeWidth",
            "strokeColor"
          ],
          "properties": {
            "type": {
              "const": "text"
            },
            "text": {
              "type": "string"
            },
            "color": {
              "type": "string"
            },
            "align": {
              "type": "string",
              "enum": [
                "left",
                "center",
                "right"
              ]
            },
            "fontFamily": {
              "type": "string"
            },
            "fontStyle": {
              "$ref": "#/definitions/fontStyle"
            },
            "fontSize": {
              "type": "number",
              "minimum": 1
            },
            "lineHeight": {
              "type": "number",
              "minimum": 0
            },
            "letterSpacing": {
              "type": "number"
            },
            "resizeOnEdit": {
              "type": "boolean"
            },
            "direction": {
              "type": "string",
              "enum": [
                "ltr",
                "rtl"
              ]
            },
            "strokeWidth": {
              "type": "number",
              "minimum": 0
            },
            "strokeColor": {
              "type": "string"
            },
            "background": {
              "oneOf": [
                {
                  "type": "null"
                },
                {
                  "$ref": "#/definitions/textBackground"
                }
              ]
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            },
            "captionAnimations": {
              "$ref": "#/definitions/captionClipAnimations"
            }
          }
        }
      ]
    },
    "textTemplateItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "schemaVersion",
            "templateId",
            "templateCategory",
            "nodes"
          ],
          "properties": {
            "type": {
              "const": "text-template"
            },
            "schemaVersion": {
              "type": "integer",
              "const": 2
            },
            "templateId": {
              "type": "string"
            },
            "templateCategory": {
              "type": "string"
            },
            "nodes": {
              "type": "array",
              "minItems": 2,
              "items": {
                "oneOf": [
                  {
                    "$ref": "#/definitions/textTemplateImageNode"
                  },
                  {
                    "$ref": "#/definitions/textTemplateTextNode"
                  }
                ]
              }
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            }
          }
        }
      ]
    },
    "captionsItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "assetId",
            "fontFamily",
            "fontStyle",
            "lineHeight",
            "letterSpacing",
            "fontSize",
            "align",
            "color",
            "highlightColor",
            "strokeWidth",
            "strokeColor",
            "direction",
            "pageDurationInMilliseconds",
            "maxLines",
            "contentStartOffsetMs",
            "source",
            "captionGroupId",
            "background"
          ],
          "properties": {
            "type": {
              "const": "captions"
            },
            "assetId": {
              "type": "string"
            },
            "fontFamily": {
              "type": "string"
            },
            "fontStyle": {
              "$ref": "#/definitions/fontStyle"
            },
            "lineHeight": {
              "type": "number",
              "minimum": 0
            },
            "letterSpacing": {
              "type": "number"
            },
            "fontSize": {
              "type": "number",
              "minimum": 1
            },
            "align": {
              "type": "string",
              "enum": [
                "left",
                "center",
                "right"
              ]
            },
            "color": {
              "type": "string"
            },
            "highlightColor": {
              "type": "string"
            },
            "strokeWidth": {
              "type": "number",
              "minimum": 0
            },
            "strokeColor": {
              "type": "string"
            },
            "direction": {
              "type": "string",
              "enum": [
                "ltr",
                "rtl"
              ]
            },
            "pageDurationInMilliseconds": {
              "type": "number",
              "minimum": 1
            },
            "maxLines": {
              "type": "integer",
              "minimum": 1
            },
            "contentStartOffsetMs": {
              "type": "number",
              "minimum": 0
            },
            "source": {
              "type": "string",
              "enum": [
                "manual",
                "auto",
                "upload"
              ]
            },
            "captionGroupId": {
              "type": [
                "string",
                "null"
              ]
            },
            "background": {
              "oneOf": [
                {
                  "type": "null"
                },
                {
                  "$ref": "#/definitions/textBackground"
                }
              ]
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            },
            "captionAnimations": {
              "$ref": "#/definitions/captionClipAnimations"
            }
          }
        }
      ]
    },
    "solidItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "color",
            "shape",
            "keepAspectRatio",
            "borderRadius",
            "rotation"
          ],
          "properties": {
            "type": {
              "const": "solid"
            },
            "color": {
              "type": "string"
            },
            "shape": {
              "type": "string",
              "enum": [
                "rectangle",
                "circle",
                "triangle",
                "star"
              ]
            },
            "keepAspectRatio": {
              "type": "boolean"
            },
            "borderRadius": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            }
          }
        }
      ]
    },
    "illustrationItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "type": "object",
          "required": [
            "type",
            "illustrationName",
            "color",
            "keepAspectRatio",
            "rotation"
          ],
          "properties": {
            "type": {
              "const": "illustration"
            },
            "illustrationName": {
              "type": "string",
              "minLength": 1
            },
            "color": {
              "type": "string"
            },
            "keepAspectRatio": {
              "type": "boolean"
            },
            "rotation": {
              "$ref": "#/definitions/animatedNumberTrack"
            },
            "animations": {
              "$ref": "#/definitions/clipAnimations"
            }
          }
        }
      ]
    },
    "effectItem": {
      "allOf": [
        {
          "$ref": "#/definitions/timelineItemBase"
        },
        {
          "type": "object",
          "required": [
            "type",
            "effectType",
            "intensity"
          ],
          "properties": {
            "type": {
              "const": "effect"
            },
            "effectType": {
              "type": "string",
              "enum": [
                "flash-to-black",
                "blur",
                "blurred-opening",
                "fade-in",
                "fade-out"
              ]
            },
            "intensity": {
              "type": "number",
              "minimum": 0
            },
            "params": {
              "type": "object",
              "additionalProperties": {
                "$ref": "#/definitions/primitive"
              }
            }
          }
        }
      ]
    },
    "filterItem": {
      "allOf": [
        {
          "$ref": "#/definitions/timelineItemBase"
        },
        {
          "type": "object",
          "required": [
            "type",
            "filterType",
            "intensity"
          ],
          "properties": {
            "type": {
              "const": "filter"
            },
            "filterType": {
              "type": "string",
              "enum": [
                "verdant-glow",
                "cyberpunk-neon",
                "vaporwave-blue",
                "sunset-orange",
                "lemon-cyan",
                "absolute-red",
                "sakura-pink",
                "twilight-dusk"
              ]
            },
            "intensity": {
              "type": "number",
              "minimum": 0
            },
            "params": {
              "type": "object",
              "additionalProperties": {
                "$ref": "#/definitions/primitive"
              }
            }
          }
        }
      ]
    },
    "chartItem": {
      "allOf": [
        {
          "$ref": "#/definitions/baseItem"
        },
        {
          "oneOf": [
            {
              "type": "object",
              "required": [
                "type",
                "chartType",
                "themeColor",
                "data",
                "animationDurationTicks",
                "keepAspectRatio",
                "rotation"
              ],
              "properties": {
                "type": {
                  "const": "chart"
                },
                "chartType": {
                  "const": "line"
                },
                "themeColor": {
                  "type": "string"
                },
                "data": {
                  "$ref": "#/definitions/chartXYData"
                },
                "animationDurationTicks": {
                  "type": "integer",
                  "minimum": 0
                },
                "keepAspectRatio": {
                  "type": "boolean"
                },
                "rotation": {
                  "$ref": "#/definitions/animatedNumberTrack"
                },
                "animations": {
                  "$ref": "#/definitions/clipAnimations"
                }
              }
            },
            {
              "type": "object",
              "required": [
                "type",
                "chartType",
                "themeColor",
                "data",
                "animationDurationTicks",
                "keepAspectRatio",
                "rotation"
              ],
              "properties": {
                "type": {
                  "const": "chart"
                },
                "chartType": {
                  "const": "bar"
                },
                "themeColor": {
                  "type": "string"
                },
                "data": {
                  "$ref": "#/definitions/chartXYData"
                },
                "animationDurationTicks": {
                  "type": "integer",
                  "minimum": 0
                },
                "keepAspectRatio": {
                  "type": "boolean"
                },
                "rotation": {
                  "$ref": "#/definitions/animatedNumberTrack"
                },
                "animations": {
                  "$ref": "#/definitions/clipAnimations"
                }
              }
            },
            {
              "type": "object",
              "required": [
                "type",
                "chartType",
                "themeColor",
                "data",
                "animationDurationTicks",
                "keepAspectRatio",
                "rotation"
              ],
              "properties": {
                "type": {
                  "const": "chart"
                },
                "chartType": {
                  "const": "area"
                },
                "themeColor": {
                  "type": "string"
                },
                "data": {
                  "$ref": "#/definitions/chartXYData"
                },
                "animationDurationTicks": {
                  "type": "integer",
                  "minimum": 0
                },
                "keepAspectRatio": {
                  "type": "boolean"
                },
                "rotation": {
                  "$ref": "#/definitions/animatedNumberTrack"
                },
                "animations": {
                  "$ref": "#/definitions/clipAnimations"
                }
              }
            },
            {
              "type": "object",
              "required": [
                "type",
                "chartType",
                "themeColor",
                "data",
                "animationDurationTicks",
                "keepAspectRatio",
                "rotation"
              ],
              "properties": {
                "type": {
                  "const": "chart"
                },
                "chartType": {
                  "const": "pie"
                },
                "themeColor": {
                  "type": "string"
                },
                "data": {
                  "$ref": "#/definitions/chartPieData"
                },
                "animationDurationTicks": {
                  "type": "integer",
                  "minimum": 0
                },
                "keepAspectRatio": {
                  "type": "boolean"
                },
                "rotation": {
                  "$ref": "#/definitions/animatedNumberTrack"
                },
                "animations": {
                  "$ref": "#/definitions/clipAnimations"
                }
              }
            },
            {
              "type": "object",
              "required": [
                "type",
                "chartType",
                "themeColor",
                "data",
                "animationDurationTicks",
                "keepAspectRatio",
                "rotation"
              ],
              "properties": {
                "type": {
                  "const": "chart"
                },
                "chartType": {
                  "const": "radar"
                },
                "themeColor": {
                  "type": "string"
                },
                "data": {
                  "$ref": "#/definitions/chartXYData"
                },
                "animationDurationTicks": {
                  "type": "integer",
                  "minimum": 0
                },
                "keepAspectRatio": {
                  "type": "boolean"
                },
                "rotation": {
                  "$ref": "#/definitions/animatedNumberTrack"
                },
                "animations": {
                  "$ref": "#/definitions/clipAnimations"
                }
              }
            },
            {
              "type": "object",
              "required": [
                "type",
                "chartType",
                "themeColor",
                "data",
                "animationDurationTicks",
                "keepAspectRatio",
                "rotation"
              ],
              "properties": {
                "type": {
                  "const": "chart"
                },
                "chartType": {
                  "const": "scatter"
                },
                "themeColor": {
                  "type": "string"
                },
                "data": {
                  "$ref": "#/definitions/chartScatterData"
                },
                "animationDurationTicks": {
                  "type": "integer",
                  "minimum": 0
                },
                "keepAspectRatio": {
                  "type": "boolean"
                },
                "rotation": {
                  "$ref": "#/definitions/animatedNumberTrack"
                },
                "animations": {
                  "$ref": "#/definitions/clipAnimations"
                }
              }
            }
          ]
        }
      ]
    },
    "transition": {
      "type": "object",
      "required": [
        "id",
        "trackId",
        "fromClipId",
        "toClipId",
        "type",
        "durationTicks"
      ],
      "properties": {
        "id": {
          "type": "string",
          "minLength": 1
        },
        "trackId": {
          "type": "string",
          "minLength": 1
        },
        "fromClipId": {
          "type": "string",
          "minLength": 1
        },
        "toClipId": {
          "type": "string",
          "minLength": 1
        },
        "type": {
          "type": "string",
          "enum": [
            "fade",
            "slide",
            "wipe",
            "flip",
            "clock-wipe",
            "iris"
          ]
        },
        "durationTicks": {
          "type": "integer",
          "minimum": 1
        },
        "easing": {
          "type": "string",
          "enum": [
            "linear",
            "ease-in",
            "ease-out",
            "ease-in-out"
          ]
        },
        "params": {
          "type": "object",
          "additionalProperties": {
            "$ref": "#/definitions/primitive"
          }
        }
      },
      "additionalProperties": false
    },
    "globalBackground": {
      "oneOf": [
        {
          "type": "object",
          "required": [
            "type"
          ],
          "properties": {
            "type": {
              "const": "none"
            }
          },
          "additionalProperties": false
        },
        {
          "type": "object",
          "required": [
            "type",
            "color",
            "gradient"
          ],
          "properties": {
            "type": {
              "const": "color"
            },
            "color": {
              "type": "string"
            },
            "gradient": {
              "type": [
                "string",
                "null"
              ]
            }
          },
          "additionalProperties": false
        },
        {
          "type": "object",
          "required": [
            "type",
            "level"
          ],
          "properties": {
            "type": {
              "const": "blur"
            },
            "level": {
              "type": "integer",
              "enum": [
                0,
                1,
                2,
                3,
                4
              ]
            }
          },
          "additionalProperties": false
        },
        {
          "type": "object",
          "required": [
            "type",
            "imageAssetId",
            "imageUrl",
            "source"
          ],
          "properties": {
            "type": {
              "const": "image"
            },
            "imageAssetId": {
              "type": [
                "string",
                "null"
              ]
            },
            "imageUrl": {
              "type": "string",
              "minLength": 1
            },
            "source": {
              "type": "string",
              "enum": [
                "preset",
                "custom"
              ]
            }
          },
          "additionalProperties": false
        }
      ]
    },
    "brandRuntime": {
      "oneOf": [
        {
          "type": "null"
        },
        {
          "type": "object",
          "required": [
            "brandId",
            "logoX",
            "logoY",
            "managedItemIds",
            "managedAssetIds",
            "introShiftInFrames",
            "overlayTrackId",
            "underlayTrackId"
          ],
          "properties": {
            "brandId": {
              "type": [
                "string",
                "null"
              ]
            },
            "logoX": {
              "type": "number"
            },
            "logoY": {
              "type": "number"
            },
            "managedItemIds": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "managedAssetIds": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "introShiftInFrames": {
              "type": "integer"
            },
            "overlayTrackId": {
              "type": [
                "string",
                "null"
              ]
            },
            "underlayTrackId": {
              "type": [
                "string",
                "null"
              ]
            }
          },
          "additionalProperties": false
        }
      ]
    },
    "fontStyle": {
      "type": "object",
      "required": [
        "variant",
        "weight"
      ],
      "properties": {
        "variant": {
          "type": "string"
        },
        "weight": {
          "type": "string"
        }
      },
      "additionalProperties": false
    },
    "textBackground": {
      "type": "object",
      "required": [
        "color",
        "horizontalPadding",
        "borderRadius"
      ],
      "properties": {
        "color": {
          "type": "string"
        },
        "horizontalPadding": {
          "type": "number",
          "minimum": 0
        },
        "borderRadius": {
          "type": "number",
          "minimum": 0
        }
      },
      "additionalProperties": false
    },
    "captionEntry": {
      "type": "object",
      "required": [
        "text",
        "startMs",
        "endMs"
      ],
      "properties": {
        "text": {
          "type": "string"
        },
        "startMs": {
          "type": "number",
          "minimum": 0
        },
        "endMs": {
          "type": "number",
          "minimum": 0
        },
        "timestampMs": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0
        },
        "confidence": {
          "type": [
            "number",
            "null"
          ]
        }
      },
      "additionalProperties": false
    },
    "assetUploadProgress": {
      "type": "object",
      "required": [
        "progress",
        "loadedBytes",
        "totalBytes"
      ],
      "properties": {
        "progress": {
          "type": "number"
        },
        "loadedBytes": {
          "type": "number",
          "minimum": 0
        },
        "totalBytes": {
          "type": "number",
          "minimum": 0
        }
      },
      "additionalProperties": false
    },
    "assetUploadState": {
      "oneOf": [
        {
          "type": "object",
          "required": [
            "type"
          ],
          "properties": {
            "type": {
              "const": "pending-upload"
            }
          },
          "additionalProperties": false
        },
        {
          "type": "object",
          "required": [
            "type",
            "progress"
          ],
          "properties": {
            "type": {
              "const": "in-progress"
            },
            "progress": {
              "$ref": "#/definitions/assetUploadProgress"
            }
          },
          "additionalProperties": false
        },
        {
          "type": "object",
          "required": [
            "type"
          ],
          "properties": {
            "type": {
              "const": "uploaded"
            }
          },
          "additionalProperties": false
        },
        {
          "type": "object",
          "required": [
            "type",
            "error",
            "canRetry"
          ],
          "properties": {
            "type": {
              "const": "error"
            },
            "error": {
              "oneOf": [
                {
                  "type": "string"
                },
                {
                  "type": "null"
                },
                {
                  "type": "object",
                  "additionalProperties": true
                }
              ]
            },
            "canRetry": {
              "type": "boolean"
            }
          },
          "additionalProperties": false
        }
      ]
    },
    "deletedAssetEntry": {
      "type": "object",
      "required": [
        "assetId",
        "remoteUrl",
        "remoteKey",
        "statusAtDeletion"
      ],
      "properties": {
        "assetId": {
          "type": "string",
          "minLength": 1
        },
        "remoteUrl": {
          "type": [
            "string",
            "null"
          ]
        },
        "remoteKey": {
          "type": [
            "string",
            "null"
          ]
        },
        "statusAtDeletion": {
          "$ref": "#/definitions/assetUploadState"
        }
      },
      "additionalProperties": false
    },
    "textTemplateImageNode": {
      "type": "object",
      "required": [
        "id",
        "type",
        "imageType",
        "imageComponentId",
        "imageLottieJson",
        "x",
        "y",
        "width",
        "height",
        "opacity"
      ],
      "properties": {
        "id": {
          "type": "string",
          "minLength": 1
        },
        "type": {
          "const": "image"
        },
        "imageType": {
          "type": "string",
          "enum": [
            "svg",
            "lottie"
          ]
        },
        "imageComponentId": {
          "type": [
            "string",
            "null"
          ]
        },
        "imageLottieJson": {
          "type": [
            "object",
            "null"
          ],
          "additionalProperties": true
        },
        "x": {
          "type": "number"
        },
        "y": {
          "type": "number"
        },
        "width": {
          "type": "number"
        },
        "height": {
          "type": "number"
        },
        "opacity": {
          "type": "number"
        },
        "animations": {
          "$ref": "#/definitions/clipAnimations"
        }
      },
      "additionalProperties": false
    },
    "textTemplateTextNode": {
      "type": "object",
      "required": [
        "id",
        "type",
        "x",
        "y",
        "width",
        "height",
        "text",
        "color",
        "align",
        "fontFamily",
        "fontStyle",
        "fontSize",
        "lineHeight",
        "letterSpacing",
        "direction",
        "strokeWidth",
        "strokeColor",
        "background"
      ],
      "properties": {
        "id": {
          "type": "string",
          "minLength": 1
        },
        "type": {
          "const": "text"
        },
        "x": {
          "type": "number"
        },
        "y": {
          "type": "number"
        },
        "width": {
          "type": "number"
        },
        "height": {
          "type": "number"
        },
        "text": {
          "type": "string"
        },
        "color": {
          "type": "string"
        },
        "align": {
          "type": "string",
          "enum": [
            "left",
            "center",
            "right"
          ]
        },
        "fontFamily": {
          "type": "string"
        },
        "fontStyle": {
          "$ref": "#/definitions/fontStyle"
        },
        "fontSize": {
          "type": "number",
          "minimum": 1
        },
        "lineHeight": {
          "type": "number",
          "minimum": 0
        },
        "letterSpacing": {
          "type": "number"
        },
        "direction": {
          "type": "string",
          "enum": [
            "ltr",
            "rtl"
          ]
        },
        "strokeWidth": {
          "type": "number",
          "minimum": 0
        },
        "strokeColor": {
          "type": "string"
        },
        "background": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/definitions/textBackground"
            }
          ]
        },
        "animations": {
          "$ref": "#/definitions/clipAnimations"
        },
        "captionAnimations": {
          "$ref": "#/definitions/captionClipAnimations"
        }
      },
      "additionalProperties": false
    },
    "chartSeries": {
      "type": "object",
      "required": [
        "key",
        "label"
      ],
      "properties": {
        "key": {
          "type": "string",
          "minLength": 1
        },
        "label": {
          "type": "string",
          "minLength": 1
        }
      },
      "additionalProperties": false
    },
    "chartRowValues": {
      "type": "object",
      "minProperties": 1,
      "additionalProperties": {
        "type": "number"
      }
    },
    "chartXYRow": {
      "type": "object",
      "required": [
        "label",
        "values"
      ],
      "properties": {
        "label": {
          "type": "string",
          "minLength": 1
        },
        "values": {
          "$ref": "#/definitions/chartRowValues"
        }
      },
      "additionalProperties": false
    },
    "chartXYData": {
      "type": "object",
      "required": [
        "series",
        "rows"
      ],
      "properties": {
        "series": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/definitions/chartSeries"
          }
        },
        "rows": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/definitions/chartXYRow"
          }
        }
      },
      "additionalProperties": false
    },
    "chartPieSlice": {
      "type": "object",
      "required": [
        "label",
        "value"
      ],
      "properties": {
        "label": {
          "type": "string",
          "minLength": 1
        },
        "value": {
          "type": "number",
          "minimum": 0
        }
      },
      "additionalProperties": false
    },
    "chartPieData": {
      "type": "object",
      "required": [
        "slices"
      ],
      "properties": {
        "slices": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/definitions/chartPieSlice"
          }
        }
      },
      "additionalProperties": false
    },
    "chartScatterPoint": {
      "type": "object",
      "required": [
        "seriesKey",
        "x",
        "y"
      ],
      "properties": {
        "seriesKey": {
          "type": "string",
          "minLength": 1
        },
        "x": {
          "type": "number"
        },
        "y": {
          "type": "number"
        }
      },
      "additionalProperties": false
    },
    "chartScatterData": {
      "type": "object",
      "required": [
        "series",
        "points"
      ],
      "properties": {
        "series": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/definitions/chartSeries"
          }
        },
        "points": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/definitions/chartScatterPoint"
          }
        }
      },
      "additionalProperties": false
    }
  }
}
