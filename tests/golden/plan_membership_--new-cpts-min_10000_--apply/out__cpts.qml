<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="1">
  <renderer-v2 type="categorizedSymbol" attr="statut" symbollevels="0" forceraster="0" enableorderby="0">
    <categories>
      <category render="true" symbol="0" value="signataire_aci" label="signataire ACI"/>
      <category render="true" symbol="1" value="projet" label="projet de santé validé"/>
      <category render="true" symbol="2" value="pre_projet" label="pré-projet"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="33,102,172,255"/>
          <prop k="style" v="no"/>
          <prop k="outline_color" v="33,102,172,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.8"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="103,169,207,255"/>
          <prop k="style" v="no"/>
          <prop k="outline_color" v="103,169,207,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.8"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="209,229,240,255"/>
          <prop k="style" v="no"/>
          <prop k="outline_color" v="209,229,240,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.8"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="nom" isExpression="0" fontSize="8" fontSizeUnit="Point" textColor="37,37,37,255" fontWeight="63" namedStyle="Bold">
        <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.8"/>
      </text-style>
      <text-format wrapChar="" autoWrapLength="20" multilineAlign="1"/>
      <placement placement="1" fitInPolygonOnly="1" centroidInside="1"/>
      <rendering obstacle="1" displayAll="0" limitNumLabels="0"/>
    </settings>
  </labeling>
</qgis>
