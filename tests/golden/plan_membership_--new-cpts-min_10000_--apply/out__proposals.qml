<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="1">
  <renderer-v2 type="categorizedSymbol" attr="kind" symbollevels="0" forceraster="0" enableorderby="0">
    <categories>
      <category render="true" symbol="0" value="extension" label="extension d'une CPTS voisine"/>
      <category render="true" symbol="1" value="nearest" label="rattachement à la CPTS la plus proche"/>
      <category render="true" symbol="2" value="new_cpts" label="nouvelle CPTS proposée"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="31,119,180,255"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="31,119,180,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.5"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="31,119,180,255"/>
          <prop k="style" v="dense4"/>
          <prop k="outline_color" v="31,119,180,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.5"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="255,255,255,255"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="37,37,37,255"/>
          <prop k="outline_style" v="no"/>
          <prop k="outline_width" v="0"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="37,37,37,255"/>
          <prop k="style" v="b_diagonal"/>
          <prop k="outline_color" v="37,37,37,255"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.5"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="concat(&quot;white_zone&quot;, ' → ', &quot;cpts&quot;)" isExpression="1" fontSize="8" fontSizeUnit="Point" textColor="37,37,37,255" fontWeight="63" namedStyle="Bold">
        <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.8"/>
      </text-style>
      <placement placement="1" fitInPolygonOnly="0" centroidInside="1"/>
      <rendering obstacle="1" displayAll="1" limitNumLabels="0"/>
    </settings>
  </labeling>
</qgis>
